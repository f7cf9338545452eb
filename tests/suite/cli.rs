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

/// A command line the tool cannot read is told in French on the error output, with what
/// was wrong and how to get help, and exit code 2: no English word of clap's is left.
#[test]
fn usage_errors_are_in_french() {
    let binary = env!("CARGO_BIN_EXE_observatoire");
    let cases: [(&[&str], &str); 6] = [
        (&["rapport"], "il manque --sortie <DIR>, <DOSSIER>"),
        (
            &["rapport", "sample_data", "--sortie", "x", "--anee", "2024"],
            "option inconnue « --anee » ; vouliez-vous dire « --annee » ?",
        ),
        (
            &["exemple", "--sortie", "x", "--communes", "beaucoup"],
            "valeur « beaucoup » refusée pour --communes <COMMUNES> : un nombre entier est attendu",
        ),
        (
            &["rapport", "sample_data", "--sortie", "x", "--date", "2024-13-01"],
            "valeur « 2024-13-01 » refusée pour --date <AAAA-MM-JJ> : date attendue sous la forme AAAA-MM-JJ",
        ),
        (
            &["verifer", "sample_data"],
            "commande inconnue « verifer » ; vouliez-vous dire « verifier » ?",
        ),
        (&["rapport", "--sortie"], "une valeur est attendue après --sortie <DIR>"),
    ];
    for (arguments, expected) in cases {
        let output = Command::new(binary)
            .args(arguments)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("runs");
        let error = String::from_utf8(output.stderr).expect("utf-8");
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {error}");
        assert!(
            error.starts_with("observatoire : "),
            "{arguments:?}: {error}"
        );
        assert!(error.contains(expected), "{arguments:?}: {error}");
        assert!(error.contains("Aide : "), "{arguments:?}: {error}");
        for english in [
            "error:",
            "Usage:",
            "invalid",
            "For more information",
            "tip:",
        ] {
            assert!(
                !error.contains(english),
                "{arguments:?}: {english} in {error}"
            );
        }
    }
}
