//! Every integration test in one binary: the library (and polars with it) is linked once
//! instead of once per test file, which was most of CI's time. Each module is one area;
//! the fixtures they read stay in `tests/` beside this folder.

mod anonymise;
mod bilan;
mod charts;
mod checking;
mod cli;
mod context;
mod diagnostics;
mod formats;
mod hostile;
mod hostile_inputs;
mod layering;
mod output_sets;
mod print;
mod properties;
mod rapport;
mod rapport_secret;
mod reading;
mod repartition;
mod retours;
mod sample_data;
mod schemas;
mod templates;
