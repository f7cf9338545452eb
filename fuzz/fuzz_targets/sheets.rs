//! Any bytes → raw sheets, through format sniffing and every reader (xlsx, xlsm, ods, xls,
//! csv, UTF-16 text). A panic inside a third-party reader is contained by `read_bytes`
//! (it becomes E002), so what reaches libFuzzer is a panic of ours, a hang or a blow-up.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    observatoire_fuzz::contain_guarded_panics();
    if let Ok(workbook) = observatoire::read::read_bytes(data.to_vec(), None, None, "fuzz") {
        for sheet in &workbook.sheets {
            for row in &sheet.rows {
                assert!(row.cells.len() <= observatoire::read::MAX_COLUMNS as usize);
                for cell in &row.cells {
                    let _ = cell.shown();
                }
            }
        }
    }
});
