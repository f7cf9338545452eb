//! What other programs and shared drives leave in a user's folder, made on the fly in a
//! temporary folder (a named pipe cannot be committed): each case runs the real binary and
//! must finish within seconds with the right message, never hang or fill the memory.
//!
//! The cases are the rows of the second hostile corpus: a folder holding a link to itself
//! and to its parent, a named pipe named `x.csv`, a link to `/dev/zero` named `x.csv`, a
//! sparse file larger than the size limit, and all of them together; plus Excel's UTF-16
//! « Texte Unicode » with each separator.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Each case must finish well within this (they take a fraction of a second).
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// Runs `observatoire ARGS…` from `folder`, killing it if it outlives [`TIME_LIMIT`].
fn run(folder: &Path, arguments: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .args(arguments)
        .current_dir(folder)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > TIME_LIMIT {
            child.kill().expect("kill");
            let output = child.wait_with_output().expect("output");
            panic!(
                "observatoire {arguments:?} still running after {TIME_LIMIT:?}; it printed:\n{}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

/// A clean aid-request file, so that each folder also holds data that must still be read.
fn requests() -> Vec<u8> {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/N003-sans-reseau-toml/demandes.csv");
    std::fs::read(fixture).expect("fixture")
}

#[cfg(unix)]
fn make_fifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
fn folder_with_a_loop(root: &Path) {
    std::fs::create_dir_all(root.join("blain")).unwrap();
    std::fs::write(root.join("blain/demandes.csv"), requests()).unwrap();
    std::os::unix::fs::symlink(".", root.join("boucle")).unwrap();
    std::os::unix::fs::symlink("..", root.join("blain/retour")).unwrap();
}

#[cfg(unix)]
#[test]
fn a_folder_linking_to_itself_and_to_its_parent_is_walked_once() {
    let root = tempfile::tempdir().unwrap();
    folder_with_a_loop(root.path());
    let output = run(root.path(), &["verifier", "."]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("boucle : note N006 : lien symbolique ignoré"),
        "{text}"
    );
    assert!(text.contains("blain/retour : note N006"), "{text}");
    assert!(text.contains("Total : 1 fichier ; 4 lignes lues"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_skipped_without_being_opened() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("demandes.csv"), requests()).unwrap();
    make_fifo(&root.path().join("x.csv"));
    let output = run(root.path(), &["verifier", "."]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("x.csv : note N004 : ignoré : ce n'est pas un fichier ordinaire, c'est un tube nommé (FIFO)"),
        "{text}"
    );
    // Named directly, it is refused, not read.
    let output = run(root.path(), &["verifier", "x.csv"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "x.csv : erreur E007 : ce n'est pas un fichier ordinaire : c'est un tube nommé (FIFO)"
        ),
        "{text}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_link_to_dev_zero_is_skipped_without_being_read() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("demandes.csv"), requests()).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.path().join("x.csv")).unwrap();
    let output = run(root.path(), &["verifier", "."]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("x.csv : note N004 : ignoré : ce n'est pas un fichier ordinaire, c'est un périphérique du système"),
        "{text}"
    );
    let output = run(root.path(), &["verifier", "x.csv"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(stdout(&output).contains("c'est un périphérique du système"));
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("demandes.csv"), requests()).unwrap();
    // Sparse: 300 Mo announced, nothing on the disk.
    let big = std::fs::File::create(root.path().join("export-complet.csv")).unwrap();
    big.set_len(300 * 1024 * 1024).unwrap();
    drop(big);
    let output = run(root.path(), &["verifier", "."]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("export-complet.csv : erreur E008 : le fichier fait 300 Mo : c'est plus que la taille maximale de 256 Mo"),
        "{text}"
    );
    assert!(
        text.contains("demandes.csv (demandes) : 4 lignes lues"),
        "{text}"
    );
    // The limit is the user's to raise, and to lower.
    let output = run(
        root.path(),
        &["verifier", "--taille-max", "1Ko", "demandes.csv"],
    );
    assert!(stdout(&output).contains("taille maximale de 1 Ko"));
    let output = run(root.path(), &["verifier", "--taille-max", "beaucoup", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("une taille est attendue"));
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_lies_about_its_size_is_stopped_at_the_limit() {
    // Files of /proc announce 0 bytes and hold more: the check of the announced size lets
    // them through, the bounded read does not.
    let path = Path::new("/proc/self/maps");
    assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
    let refused = observatoire::read::read_bounded(path, 100).unwrap_err();
    assert!(
        matches!(
            refused,
            observatoire::read::BytesError::TooLarge {
                size: 101,
                limit: 100
            }
        ),
        "{refused:?}"
    );
    assert!(!observatoire::read::read_bounded(path, 1 << 20)
        .unwrap()
        .is_empty());
}

#[cfg(target_os = "linux")]
#[test]
fn the_whole_hostile_folder_finishes_with_each_message() {
    let root = tempfile::tempdir().unwrap();
    folder_with_a_loop(root.path());
    make_fifo(&root.path().join("blain/x.csv"));
    std::os::unix::fs::symlink("/dev/zero", root.path().join("zero.csv")).unwrap();
    let big = std::fs::File::create(root.path().join("grand.xlsx")).unwrap();
    big.set_len(10 * 1024 * 1024 * 1024).unwrap();
    drop(big);
    let started = Instant::now();
    let output = run(root.path(), &["verifier", "."]);
    assert!(started.elapsed() < Duration::from_secs(10));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    for expected in [
        "boucle : note N006",
        "blain/retour : note N006",
        "blain/x.csv : note N004 : ignoré : ce n'est pas un fichier ordinaire, c'est un tube nommé (FIFO)",
        "zero.csv : note N004 : ignoré : ce n'est pas un fichier ordinaire, c'est un périphérique du système",
        "grand.xlsx : erreur E008 : le fichier fait 10 Go : c'est plus que la taille maximale de 256 Mo",
        "blain/demandes.csv (demandes) : 4 lignes lues, 4 acceptées",
    ] {
        assert!(text.contains(expected), "{expected}\n---\n{text}");
    }
}

/// The aid requests as UTF-16 text with a byte-order mark, with the given separator (each
/// field quoted, as with a `,` the decimal commas must be).
fn utf16(separator: char, big_endian: bool) -> Vec<u8> {
    let text: String = observatoire::read::decode_text(&requests())
        .lines()
        .map(|line| {
            let fields: Vec<String> = line
                .split(';')
                .map(|field| format!("\"{field}\""))
                .collect();
            fields.join(&separator.to_string()) + "\r\n"
        })
        .collect();
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    bytes
}

#[test]
fn utf16_text_reads_with_tab_semicolon_or_comma() {
    let expected = observatoire::read::read_bytes(requests(), Some("csv"), None, "demandes.csv")
        .expect("the UTF-8 original reads");
    for separator in ['\t', ';', ','] {
        for big_endian in [false, true] {
            let workbook = observatoire::read::read_bytes(
                utf16(separator, big_endian),
                Some("txt"),
                None,
                "demandes.txt",
            )
            .unwrap_or_else(|problem| panic!("{separator:?} {big_endian}: {problem:?}"));
            assert_eq!(
                workbook.sheets, expected.sheets,
                "separator {separator:?}, big-endian {big_endian}"
            );
        }
    }
    // A torn UTF-16 file (odd byte count) still reads, the last half character replaced.
    let mut torn = utf16('\t', false);
    torn.pop();
    assert!(observatoire::read::read_bytes(torn, Some("txt"), None, "x.txt").is_ok());
}
