//! Spreadsheets written by the tool: the xlsx, ods and csv table writers shared by the
//! anonymiser (a user's file rewritten without names) and the example generator. It comes
//! after `check`, whose values it writes, and before both of its users.

pub mod writers;
