//! Every subcommand's help is in French and well formed (clap's own checks run in debug
//! builds, so a malformed argument would make `--help` fail).

use std::process::Command;

#[test]
fn every_subcommand_has_a_french_help() {
    let binary = env!("CARGO_BIN_EXE_observatoire");
    let root = Command::new(binary).arg("--help").output().expect("runs");
    assert_eq!(root.status.code(), Some(0));
    let root = String::from_utf8(root.stdout).expect("utf-8");
    assert!(
        root.contains("Utilisation : observatoire <COMMANDE>"),
        "{root}"
    );
    let subcommands: Vec<&str> = root
        .lines()
        .skip_while(|line| !line.starts_with("Commandes"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    for expected in [
        "verifier",
        "exemple",
        "rapport",
        "repartition",
        "populations",
        "modeles",
        "cle",
        "anonymiser",
    ] {
        assert!(
            subcommands.contains(&expected),
            "{expected} missing from {subcommands:?}"
        );
    }
    for subcommand in subcommands {
        let output = Command::new(binary)
            .args([subcommand, "--help"])
            .output()
            .expect("runs");
        let text = String::from_utf8(output.stdout).expect("utf-8");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{subcommand}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            text.contains(&format!("Utilisation : observatoire {subcommand}")),
            "{subcommand}: {text}"
        );
        assert!(text.contains("Affiche cette aide"), "{subcommand}: {text}");
        assert!(
            !text.contains("Print help") && !text.contains("Possible values"),
            "{subcommand}: {text}"
        );
    }
}
