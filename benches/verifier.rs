//! `cargo bench --bench verifier`: `verifier` on a 100 000-row `demandes` xlsx made by
//! `exemple`, side by side with a bare calamine read of the same file (open, whole-sheet
//! `worksheet_range`, iterate every row and cell). Prints the medians and their ratio.
//!
//! Set `OBSERVATOIRE_BENCH_ROWS` to change the row count.

use calamine::{open_workbook_auto, Data, Reader};
use observatoire::generate::{generate, ExampleOptions};
use observatoire::sheet::writers::write_table;
use observatoire::verify::{verify, VerifyOptions};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn bare_calamine(path: &Path) -> usize {
    let mut workbook = open_workbook_auto(path).expect("bench file opens");
    let name = workbook.sheet_names().first().cloned().expect("one sheet");
    let range = workbook.worksheet_range(&name).expect("sheet reads");
    let mut non_empty = 0;
    for row in range.rows() {
        for cell in row {
            if !matches!(black_box(cell), Data::Empty) {
                non_empty += 1;
            }
        }
    }
    non_empty
}

fn observatoire_verifier(path: &Path) -> usize {
    let verification =
        verify(&[path.to_path_buf()], &VerifyOptions::default()).expect("verification runs");
    assert_eq!(
        verification.rows_rejected(),
        0,
        "the generated file is clean"
    );
    verification.rows_accepted()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let rows: usize = std::env::var("OBSERVATOIRE_BENCH_ROWS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(100_000);
    let folder = tempfile::tempdir().expect("temporary folder");
    let options = ExampleOptions {
        seed: 7,
        communes: 1,
        first_year: 2024,
        last_year: 2024,
        requests_per_year: Some(rows),
    };
    let data = generate(&options).expect("generation");
    let file = data
        .files
        .iter()
        .find(|file| file.schema == "demandes")
        .expect("a demandes file");
    let schema = observatoire::schema::schemas()
        .expect("schemas")
        .get("demandes")
        .expect("demandes schema");
    let bytes = write_table(schema, &file.rows, &file.style).expect("xlsx written");
    let path: PathBuf = folder.path().join("demandes-2024.xlsx");
    std::fs::write(&path, &bytes).expect("bench file written");
    println!(
        "fichier : {} lignes, {:.1} Mo",
        file.rows.len(),
        bytes.len() as f64 / 1e6
    );

    // Warm the page cache and check both read the same rows.
    assert!(bare_calamine(&path) > 0);
    assert_eq!(observatoire_verifier(&path), rows);

    let mut baseline = Vec::new();
    let mut ours = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        black_box(bare_calamine(&path));
        baseline.push(start.elapsed());
        let start = Instant::now();
        black_box(observatoire_verifier(&path));
        ours.push(start.elapsed());
    }
    let baseline = median(baseline);
    let ours = median(ours);
    println!(
        "calamine worksheet_range + itération : {:>8.1} ms (médiane de {RUNS})",
        baseline.as_secs_f64() * 1e3
    );
    println!(
        "observatoire verifier                : {:>8.1} ms (médiane de {RUNS})",
        ours.as_secs_f64() * 1e3
    );
    println!(
        "ratio verifier / calamine            : {:>8.2} (objectif ≤ 1,5)",
        ours.as_secs_f64() / baseline.as_secs_f64()
    );
}
