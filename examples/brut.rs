//! Writes `sample_data/brut/demandes-blain-2024-brut.xlsx`: Blain's own request sheet
//! with fictional names, birth dates, addresses and phone numbers, the input of the
//! `cle` → `anonymiser` → `verifier` workflow shown in the README.
//! Run from the repository root: `cargo run --example brut`.

use observatoire::generate::raw::{raw_requests, write_raw_requests};
use observatoire::sheet::writers::TableFormat;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::path::Path::new("sample_data/brut/demandes-blain-2024-brut.xlsx");
    let rows = raw_requests("Blain", 2024, 30, 44015);
    observatoire::output::write_atomically(path, &write_raw_requests(&rows, TableFormat::Xlsx)?)?;
    println!(
        "{} écrit ({} demandes fictives)",
        path.display(),
        rows.len()
    );
    Ok(())
}
