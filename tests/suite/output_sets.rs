//! Output sets are written whole or not at all, even when the process is killed: the real
//! binary writes a report over an older one and is killed (SIGKILL, no chance to clean up)
//! at 20 moments, 10 spread over the run and 10 while its staging folder is being written
//! and swapped in. After each kill the folder is the old report or the new one, byte for
//! byte, never a mix; the next run recovers what the killed one left beside the folder.
//! Also: a second run on a folder being written is refused, and a report over an older one
//! keeps the user's files but not the old report's files that the new one lacks.
//!
//! The input is the small `tests/rapport/petit/` folder, so that the test stays short.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Every file under `folder` with its bytes (empty when the folder does not exist).
fn snapshot(folder: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(folder).unwrap().to_path_buf();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn input() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rapport/petit")
}

/// `rapport` of the small folder into `output`; the internal edition differs in every file
/// they share.
fn rapport(output: &Path, internal: bool) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_observatoire"));
    command
        .arg("rapport")
        .arg(input())
        .arg("--sortie")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if internal {
        command.arg("--interne");
    }
    command
}

fn complete(mut command: Command) -> Duration {
    let started = Instant::now();
    let output = command.output().unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed()
}

fn kill(mut child: Child) {
    let _ = child.kill();
    child.wait().unwrap();
}

fn restore(target: &Path, set: &BTreeMap<PathBuf, Vec<u8>>) {
    if target.exists() {
        std::fs::remove_dir_all(target).unwrap();
    }
    for (path, bytes) in set {
        let path = target.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

#[test]
fn a_report_killed_at_any_moment_leaves_the_old_set_or_the_new_one() {
    let root = tempfile::tempdir().unwrap();
    let old_reference = root.path().join("reference-ancienne");
    let new_reference = root.path().join("reference-nouvelle");
    complete(rapport(&old_reference, false));
    let duration = complete(rapport(&new_reference, true));
    let old = snapshot(&old_reference);
    let new = snapshot(&new_reference);
    // The published edition has audit-secret.json, the internal one demandes.parquet:
    // the new set must also drop a file of the old one.
    assert!(old.len() > 10 && new.len() > 10);
    assert!(old.keys().any(|path| !new.contains_key(path)));
    assert!(
        old.iter()
            .filter_map(|(path, bytes)| new.get(path).map(|other| (bytes, other)))
            .all(|(a, b)| a != b),
        "every file of both sets differs"
    );

    let target = root.path().join("sortie");
    let staging = root.path().join(".sortie.nouveau");
    let mut outcomes = BTreeMap::new();
    for point in 0..20 {
        restore(&target, &old);
        let child = rapport(&target, true).spawn().unwrap();
        if point < 10 {
            // Spread over the run, from its start to a little past its measured length.
            std::thread::sleep(duration * point / 9);
        } else {
            // While the set is written: from the staging folder's appearance on.
            let started = Instant::now();
            while !staging.exists() && started.elapsed() < duration * 5 {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(Duration::from_micros(700 * u64::from(point - 10)));
        }
        kill(child);
        let found = snapshot(&target);
        let outcome = if found == old {
            "ancien"
        } else if found == new {
            "nouveau"
        } else {
            let mixed: Vec<_> = found
                .iter()
                .filter(|(path, bytes)| old.get(*path) != Some(*bytes))
                .map(|(path, _)| path.display().to_string())
                .collect();
            panic!("kill point {point}: a mix of old and new; not the old set: {mixed:?}");
        };
        *outcomes.entry(outcome).or_insert(0) += 1;
    }
    eprintln!("after 20 kills: {outcomes:?}");
    // The run after the kills recovers their leftovers and leaves nothing beside.
    complete(rapport(&target, true));
    assert_eq!(snapshot(&target), new);
    let mut beside: Vec<String> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    beside.sort();
    assert_eq!(
        beside,
        ["reference-ancienne", "reference-nouvelle", "sortie"]
    );
}

#[test]
fn a_second_run_on_a_folder_being_written_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let target = root.path().join("sortie");
    let lock = root.path().join(".sortie.verrou");
    let first = rapport(&target, false).spawn().unwrap();
    let started = Instant::now();
    while !lock.exists() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(1));
    }
    let second = rapport(&target, true).output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert_eq!(second.status.code(), Some(2));
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(
        message.contains("est en cours d'écriture par une autre exécution de l'outil"),
        "{message}"
    );
    assert!(matches!(first.status.code(), Some(0 | 1)));
    let reference = root.path().join("reference");
    complete(rapport(&reference, false));
    assert_eq!(
        snapshot(&target),
        snapshot(&reference),
        "the first run's report, whole"
    );
}

#[test]
fn a_new_report_keeps_the_users_files_and_drops_what_the_old_report_had_alone() {
    let root = tempfile::tempdir().unwrap();
    let target = root.path().join("sortie");
    complete(rapport(&target, false));
    std::fs::write(target.join("graphiques/ancien-graphique.svg"), "<svg/>").unwrap();
    std::fs::write(target.join("notes-de-la-coordinatrice.txt"), "à relire").unwrap();
    std::fs::create_dir(target.join("repartition")).unwrap();
    std::fs::write(target.join("repartition/repartition.html"), "état").unwrap();
    complete(rapport(&target, false));
    let found = snapshot(&target);
    assert!(!found.contains_key(Path::new("graphiques/ancien-graphique.svg")));
    assert_eq!(
        found[Path::new("notes-de-la-coordinatrice.txt")],
        "à relire".as_bytes()
    );
    assert_eq!(
        found[Path::new("repartition/repartition.html")],
        b"\xc3\xa9tat"
    );
}

#[test]
fn the_letter_of_a_ccas_no_longer_called_is_gone_after_the_next_cost_sharing() {
    let root = tempfile::tempdir().unwrap();
    let target = root.path().join("repartition");
    let sharing = || {
        let output = Command::new(env!("CARGO_BIN_EXE_observatoire"))
            .arg("repartition")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data"))
            .args(["--annee", "2024", "--sortie"])
            .arg(&target)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
    };
    sharing();
    let first = snapshot(&target);
    // As left by a run of a year when a CCAS since gone was still called.
    std::fs::write(target.join("appel-44999-commune-sortie.html"), "appel").unwrap();
    std::fs::write(target.join("courrier-du-copil.txt"), "à signer").unwrap();
    sharing();
    let mut second = snapshot(&target);
    assert!(!second.contains_key(Path::new("appel-44999-commune-sortie.html")));
    assert_eq!(
        second.remove(Path::new("courrier-du-copil.txt")).unwrap(),
        "à signer".as_bytes()
    );
    assert_eq!(second, first);
}

/// The internal edition's row-level file never survives a published edition written over
/// it in the same folder (nor the audit of a published one under an internal one).
#[test]
fn a_published_edition_over_an_internal_one_drops_the_row_level_file() {
    let root = tempfile::tempdir().unwrap();
    let target = root.path().join("sortie");
    complete(rapport(&target, true));
    assert!(target.join("demandes.parquet").exists());
    complete(rapport(&target, false));
    assert!(!target.join("demandes.parquet").exists());
    assert!(target.join("audit-secret.json").exists());
    complete(rapport(&target, true));
    assert!(!target.join("audit-secret.json").exists());
}
