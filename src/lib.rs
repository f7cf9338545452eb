//! `observatoire`: the shared social-observation toolkit of a network of CCAS.
//!
//! The modules follow the data's way: [`read`] the users' files, [`check`] them against
//! the [`schema`]s, report [`diagnostic`]s through [`present`]; [`verify`] ties these
//! together for every command, and [`feedback`] writes each CCAS an annotated copy of
//! its own files. [`blank_forms`] writes the blank spreadsheets (templates) the agents
//! fill in; [`anonymise`] removes identifying data at the source and pseudonymises
//! households. [`network`] describes the network (`reseau.toml`); [`generate`] writes
//! realistic synthetic data for examples, tests and benchmarks. [`context`] turns INSEE's
//! census bases into the `contexte` table, with the reference [`zones`] (département, France).

pub mod activity;
pub mod anonymise;
pub mod blank_forms;
pub mod check;
pub mod context;
pub mod count;
pub mod diagnostic;
pub mod feedback;
pub mod fold;
pub mod french;
pub mod generate;
pub mod network;
pub mod output;
pub mod present;
pub mod print;
pub mod protect;
pub mod read;
pub mod repartition;
pub mod report;
pub mod schema;
pub mod sheet;
pub mod verify;
pub mod zones;
