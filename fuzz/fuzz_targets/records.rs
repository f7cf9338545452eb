//! Any bytes → raw sheets → checked records: header matching, cell parsers and the rules
//! across fields and files, against the embedded schemas and the default network. Every
//! row read is either accepted or rejected.
#![no_main]

use libfuzzer_sys::fuzz_target;
use observatoire::check::{check_across_files, Checker, SheetOutcome};
use observatoire::network::Network;
use std::sync::OnceLock;

fn network() -> &'static Network {
    static NETWORK: OnceLock<Network> = OnceLock::new();
    NETWORK.get_or_init(Network::default_network)
}

fuzz_target!(|data: &[u8]| {
    observatoire_fuzz::contain_guarded_panics();
    let Ok(schemas) = observatoire::schema::schemas() else {
        return;
    };
    let Ok(workbook) = observatoire::read::read_bytes(data.to_vec(), None, None, "fuzz") else {
        return;
    };
    let checker = Checker::new(schemas, network());
    let mut diagnostics = Vec::new();
    let mut sheets = Vec::new();
    for sheet in &workbook.sheets {
        if let SheetOutcome::Checked(checked) = checker.check_sheet("fuzz", sheet, &mut diagnostics)
        {
            sheets.push(*checked);
        }
    }
    check_across_files(&mut sheets, &mut diagnostics);
    for sheet in &sheets {
        assert!(sheet.rows_accepted() <= sheet.rows_read());
    }
});
