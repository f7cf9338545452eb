//! Any bytes as INSEE's population file (csv or xlsx) → the vintage added to a valid
//! `reseau.toml`, or refused with located problems. The import reads files, so each input
//! is written to a temporary folder (in memory where the system has one).
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use observatoire::repartition::populations::{import_populations, ImportOptions};
use std::path::PathBuf;
use std::sync::OnceLock;

const NETWORK: &str = include_str!("../../sample_data/reseau.toml");

fn folder() -> &'static tempfile::TempDir {
    static FOLDER: OnceLock<tempfile::TempDir> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let shm = std::path::Path::new("/dev/shm");
        if shm.is_dir() {
            tempfile::tempdir_in(shm).expect("temporary folder")
        } else {
            tempfile::tempdir().expect("temporary folder")
        }
    })
}

fuzz_target!(|data: &[u8]| {
    observatoire_fuzz::contain_guarded_panics();
    let folder = folder().path();
    let network_file: PathBuf = folder.join("reseau.toml");
    std::fs::write(&network_file, NETWORK).expect("write reseau.toml");
    let extension = if data.starts_with(b"PK") {
        "xlsx"
    } else {
        "csv"
    };
    let insee_file = folder.join(format!("ensemble.{extension}"));
    std::fs::write(&insee_file, data).expect("write the INSEE file");
    let options = ImportOptions {
        insee_file,
        network_file,
        vintage: 2099,
        in_force_from: NaiveDate::from_ymd_opt(2099, 1, 1).expect("date"),
    };
    let _ = import_populations(&options);
});
