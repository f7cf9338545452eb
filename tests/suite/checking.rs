//! Checking behaviour on small csv files made on the fly: the cases found when reviewing
//! the fixtures (no error piled on an unreadable cell, subtotals and notes under the table,
//! commune spellings, duplicates named in date order…).

use observatoire::diagnostic::{Code, Diagnostic};
use observatoire::verify::{verify, Verification, VerifyOptions};

const HEADER: &str = "Commune;Numéro de demande;Date de la demande;Foyer (pseudonyme);Sexe du demandeur;Tranche d'âge;Composition du foyer;Nombre de personnes;Nombre d'enfants;Situation de logement;Situation professionnelle;Ressource principale;Ressources mensuelles;Charges mensuelles;Orientation;Nature de l'aide;Forme de l'aide;Montant demandé;Montant accordé;Décision;Date de la décision";

fn request(commune: &str, number: &str, date: &str, granted: &str) -> String {
    format!("{commune};{number};{date};P3LW8ZR2D6NE;Homme;45-59 ans;Personne seule;1;0;Locataire parc privé;Demandeur d'emploi;Allocation chômage;890,00;610,00;Démarche spontanée;Énergie et fluides;Paiement direct à un tiers;250,00;{granted};Accordée;20/02/2024")
}

fn check(files: &[(&str, String)]) -> Verification {
    let folder = tempfile::tempdir().expect("temporary folder");
    for (name, content) in files {
        std::fs::write(folder.path().join(name), content).expect("written");
    }
    verify(&[folder.path().to_path_buf()], &VerifyOptions::default()).expect("verification runs")
}

fn codes(verification: &Verification) -> Vec<Code> {
    verification
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.code)
        .filter(|code| *code != Code::N003)
        .collect()
}

fn of_code(verification: &Verification, code: Code) -> Vec<&Diagnostic> {
    verification
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == code)
        .collect()
}

#[test]
fn an_unreadable_amount_gets_one_error_not_two() {
    let verification = check(&[(
        "demandes.csv",
        format!(
            "{HEADER}\n{}\n",
            request("44015", "2024-0001", "08/02/2024", "cent euros")
        ),
    )]);
    assert_eq!(codes(&verification), vec![Code::E021]);
    assert_eq!(verification.rows_rejected(), 1);
}

#[test]
fn an_empty_amount_for_granted_aid_is_an_error() {
    let verification = check(&[(
        "demandes.csv",
        format!(
            "{HEADER}\n{}\n",
            request("44015", "2024-0001", "08/02/2024", "")
        ),
    )]);
    assert_eq!(codes(&verification), vec![Code::E031]);
    assert_eq!(
        of_code(&verification, Code::E031)[0]
            .location
            .cell
            .as_deref(),
        Some("S2")
    );
}

#[test]
fn subtotals_anywhere_and_notes_under_the_table_are_excluded_with_a_note() {
    let rows = [
        request("44015", "2024-0001", "08/02/2024", "150,00"),
        "Sous-total février;;;;;;;;;;;;;;;;;;150,00;;".to_string(),
        request("44015", "2024-0002", "09/02/2024", "150,00"),
        "Total;;;;;;;;;;;;;;;;;;300,00;;".to_string(),
        "Source : CCAS de Blain, logiciel métier".to_string(),
    ];
    let verification = check(&[("demandes.csv", format!("{HEADER}\n{}\n", rows.join("\n")))]);
    assert_eq!(
        codes(&verification),
        vec![Code::N002, Code::N002, Code::N002]
    );
    assert_eq!(verification.rows_read(), 2);
    assert_eq!(verification.rows_accepted(), 2);
    let lines: Vec<Option<u32>> = of_code(&verification, Code::N002)
        .iter()
        .map(|diagnostic| diagnostic.location.row)
        .collect();
    assert_eq!(lines, vec![Some(3), Some(5), Some(6)]);
}

#[test]
fn a_year_in_a_date_cell_is_called_a_year() {
    let verification = check(&[(
        "demandes.csv",
        format!(
            "{HEADER}\n{}\n",
            request("44015", "2024-0001", "08/02/2024", "150,00").replacen("08/02/2024", "2024", 1)
        ),
    )]);
    // A csv keeps « 2024 » as text: it is not a date either way.
    assert_eq!(codes(&verification), vec![Code::E022]);
}

#[test]
fn values_under_a_column_without_header_are_reported() {
    let content = format!(
        "{HEADER};\n{};oubli\n",
        request("44015", "2024-0001", "08/02/2024", "150,00")
    );
    let verification = check(&[("demandes.csv", content)]);
    assert_eq!(codes(&verification), vec![Code::W001]);
    assert_eq!(
        of_code(&verification, Code::W001)[0]
            .location
            .cell
            .as_deref(),
        Some("V2")
    );
    assert_eq!(verification.rows_accepted(), 1);
}

#[test]
fn communes_are_read_as_agents_write_them() {
    let rows = [
        "CCAS de Blain",
        "44 015",
        "BLAIN",
        "Mairie de Blain",
        "blain",
    ]
    .iter()
    .enumerate()
    .map(|(position, commune)| {
        request(
            commune,
            &format!("2024-000{position}"),
            "08/02/2024",
            "150,00",
        )
    })
    .collect::<Vec<_>>();
    let verification = check(&[("demandes.csv", format!("{HEADER}\n{}\n", rows.join("\n")))]);
    assert_eq!(codes(&verification), Vec::<Code>::new());
    assert_eq!(verification.rows_accepted(), 5);
}

#[test]
fn the_later_request_of_a_duplicate_number_is_the_one_rejected() {
    // The file read first (alphabetically) holds the later request.
    let verification = check(&[
        (
            "a-fevrier.csv",
            format!(
                "{HEADER}\n{}\n",
                request("44015", "2024-0001", "08/02/2024", "150,00")
            ),
        ),
        (
            "b-janvier.csv",
            format!(
                "{HEADER}\n{}\n",
                request("44015", "2024-0001", "08/01/2024", "150,00")
            ),
        ),
    ]);
    let duplicates = of_code(&verification, Code::E033);
    assert_eq!(duplicates.len(), 1);
    assert!(
        duplicates[0].location.file.ends_with("a-fevrier.csv"),
        "{:?}",
        duplicates[0].location
    );
    assert!(
        duplicates[0].message.contains("b-janvier.csv"),
        "{}",
        duplicates[0].message
    );
    // Another year: no duplicate.
    let verification = check(&[
        (
            "a.csv",
            format!(
                "{HEADER}\n{}\n",
                request("44015", "2024-0001", "08/02/2024", "150,00")
            ),
        ),
        (
            "b.csv",
            format!(
                "{HEADER}\n{}\n",
                request("44015", "2024-0001", "08/02/2023", "150,00")
            ),
        ),
    ]);
    assert!(of_code(&verification, Code::E033).is_empty());
}

#[test]
fn a_word_document_renamed_xls_is_not_a_spreadsheet() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/checking/courrier-word-renomme.xls");
    let verification = verify(&[path], &VerifyOptions::default()).expect("verification runs");
    assert_eq!(codes(&verification), vec![Code::E004]);
    assert!(verification
        .diagnostics
        .iter()
        .any(|diagnostic| diagnostic.message.contains("Word")));
}

#[test]
fn ordinary_headers_are_not_taken_for_identifying_data() {
    let content = format!(
        "{HEADER};Voie d'orientation;Aide à domicile\n{};CCAS;non\n",
        request("44015", "2024-0001", "08/02/2024", "150,00")
    );
    let verification = check(&[("demandes.csv", content)]);
    assert_eq!(codes(&verification), vec![Code::W001, Code::W001]);
    let verification = check(&[(
        "demandes.csv",
        format!(
            "{HEADER};Nom du demandeur\n{};Dupont\n",
            request("44015", "2024-0001", "08/02/2024", "150,00")
        ),
    )]);
    assert_eq!(codes(&verification), vec![Code::E010]);
    assert_eq!(verification.rows_rejected(), 1);
}
