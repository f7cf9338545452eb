//! The cost-sharing: figures worked out by hand, properties of the split, snapshots of the
//! statement and a letter, the committed example kept up to date, and `populations`.

use chrono::NaiveDate;
use observatoire::diagnostic::{Code, Location};
use observatoire::network::parse_network;
use observatoire::repartition::split::{split_cents, Claimant};
use observatoire::repartition::write::{letter_html, render_all, statement_html};
use observatoire::repartition::{
    compute, CallDateOrigin, ConventionStatus, Exclusion, Expense, Inputs, NetworkText, StaffTime,
    Statement,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn euros(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn expense(day: NaiveDate, amount: &str, piece: &str, validation: Option<NaiveDate>) -> Expense {
    Expense {
        date: day,
        label: format!("Dépense {piece}"),
        supplier: Some("Fournisseur".to_string()),
        amount: euros(amount),
        action_line: "Journée annuelle".to_string(),
        copil_validation_date: validation,
        supporting_document: piece.to_string(),
        location: Location::file("depenses.xlsx"),
        amount_location: Location::file("depenses.xlsx"),
    }
}

fn staff(year: i32, hours: &str, cost: &str) -> StaffTime {
    StaffTime {
        year,
        action_line: "Observation sociale".to_string(),
        role: "Coordinatrice".to_string(),
        hours: euros(hours),
        hourly_cost: euros(cost),
        location: Location::file("temps_personnel.xlsx"),
    }
}

fn inputs(toml: &str, expenses: Vec<Expense>, staff: Vec<StaffTime>) -> Inputs {
    Inputs {
        network: parse_network(toml).unwrap_or_else(|problems| panic!("{problems:#?}")),
        network_text: NetworkText {
            shown: "reseau.toml".to_string(),
            text: toml.to_string(),
        },
        expenses,
        staff,
    }
}

fn share_of(statement: &Statement, code: &str) -> (Decimal, Decimal, Decimal) {
    let line = statement
        .members
        .iter()
        .find(|member| member.code == code)
        .unwrap();
    (line.expenses, line.staff, line.to_call)
}

/// The six communes of the convention with the populations of the sample (totale 2021).
const SIX: &str = r#"nom = "Réseau des acteurs sociaux"
porteur = "44015"
cle_population = "totale"

[[membres]]
code = "44015"
nom = "Blain"
adhesion = 2014-01-01

[[membres]]
code = "44023"
nom = "Bouvron"
adhesion = 2014-01-01

[[membres]]
code = "44056"
nom = "Fay-de-Bretagne"
adhesion = 2014-01-01

[[membres]]
code = "44062"
nom = "Le Gâvre"
adhesion = 2014-01-01

[[membres]]
code = "44111"
nom = "Notre-Dame-des-Landes"
adhesion = 2014-01-01

[[membres]]
code = "44221"
nom = "La Chevallerais"
adhesion = 2014-01-01

[[conventions]]
debut = 2023-01-01
fin = 2025-12-31

[[budgets]]
annee = 2024
montant = "4000.00"

[[journees]]
annee = 2024
date = 2024-11-15

[[populations]]
millesime = 2021
en_vigueur = 2024-01-01
source = "Insee, populations légales 2021"
[populations.valeurs]
"44015" = { municipale = 10187, totale = 10412 }
"44023" = { municipale = 3069, totale = 3131 }
"44056" = { municipale = 3750, totale = 3826 }
"44062" = { municipale = 1950, totale = 1991 }
"44111" = { municipale = 2250, totale = 2296 }
"44221" = { municipale = 1559, totale = 1590 }
"#;

#[test]
fn six_communes_share_a_budget_of_4000_euros() {
    // 400 000 cents over 23 246 inhabitants. Exact shares (cents): Blain 179 162,006,
    // Bouvron 53 875,936, Fay 65 834,982, Le Gâvre 34 259,658, NDDL 39 507,872,
    // La Chevallerais 27 359,546. Floors add up to 399 996: the 4 cents left go to the
    // largest remainders: Fay (0,982), Bouvron (0,936), NDDL (0,872), Le Gâvre (0,658).
    let statement = compute(
        &inputs(
            SIX,
            vec![expense(
                date(2024, 3, 1),
                "4000.00",
                "F1",
                Some(date(2024, 2, 1)),
            )],
            Vec::new(),
        ),
        2024,
        None,
    )
    .unwrap();
    assert_eq!(statement.call_date, date(2024, 11, 15));
    assert_eq!(statement.call_date_origin, CallDateOrigin::Journee);
    assert_eq!(statement.key.vintage, 2021);
    let expected = [
        ("44015", "1791.62", "0.00"),
        ("44023", "538.76", "538.76"),
        ("44056", "658.35", "658.35"),
        ("44062", "342.60", "342.60"),
        ("44111", "395.08", "395.08"),
        ("44221", "273.59", "273.59"),
    ];
    for (code, share, called) in expected {
        let (depenses, _, a_appeler) = share_of(&statement, code);
        assert_eq!(depenses, euros(share), "{code}");
        assert_eq!(a_appeler, euros(called), "{code}");
    }
    assert_eq!(statement.totals.expenses, euros("4000.00"));
    assert_eq!(statement.totals.to_call, euros("2208.38"));
    assert_eq!(statement.budget.overrun, None);
    // The convention ends on 31/12/2025, more than six months after 15/11/2024.
    assert!(matches!(
        statement.convention,
        ConventionStatus::InForce { .. }
    ));
}

#[test]
fn a_tie_on_remainders_goes_to_the_smaller_insee_code() {
    // 100,00 € among three communes of 1 000 inhabitants: 33,333… each; one cent is left
    // with equal remainders and equal keys: the smallest code (44023) gets it.
    let toml = r#"porteur = "44023"
[[membres]]
code = "44062"
nom = "Le Gâvre"
adhesion = 2014-01-01
[[membres]]
code = "44023"
nom = "Bouvron"
adhesion = 2014-01-01
[[membres]]
code = "44056"
nom = "Fay-de-Bretagne"
adhesion = 2014-01-01
[[populations]]
millesime = 2021
en_vigueur = 2024-01-01
source = "test"
valeurs = { "44062" = { municipale = 1000, totale = 1000 }, "44023" = { municipale = 1000, totale = 1000 }, "44056" = { municipale = 1000, totale = 1000 } }
"#;
    let statement = compute(
        &inputs(
            toml,
            vec![expense(
                date(2024, 5, 2),
                "100.00",
                "F1",
                Some(date(2024, 5, 1)),
            )],
            Vec::new(),
        ),
        2024,
        None,
    )
    .unwrap();
    assert_eq!(share_of(&statement, "44023").0, euros("33.34"));
    assert_eq!(share_of(&statement, "44056").0, euros("33.33"));
    assert_eq!(share_of(&statement, "44062").0, euros("33.33"));
    // The carrier (44023) is not called; the others are called for their share.
    assert_eq!(share_of(&statement, "44023").2, Decimal::ZERO);
    assert_eq!(statement.totals.to_call, euros("66.66"));
}

/// Bouvron leaves on 30 September 2023 (2023 has 365 days; 1 January–30 September is 273).
const LEAVING: &str = r#"porteur = "44015"
[[membres]]
code = "44015"
nom = "Blain"
adhesion = 2014-01-01
[[membres]]
code = "44023"
nom = "Bouvron"
adhesion = 2014-01-01
sortie = 2023-09-30
[[membres]]
code = "44056"
nom = "Fay-de-Bretagne"
adhesion = 2014-01-01
[[conventions]]
debut = 2021-01-01
fin = 2023-12-31
[[budgets]]
annee = 2023
montant = "1000.00"
[[journees]]
annee = 2023
date = 2023-11-17
[[populations]]
millesime = 2019
en_vigueur = 2022-01-01
source = "test"
valeurs = { "44015" = { municipale = 5900, totale = 6000 }, "44023" = { municipale = 2900, totale = 3000 }, "44056" = { municipale = 990, totale = 1000 } }
"#;

fn leaving_statement() -> Statement {
    compute(
        &inputs(
            LEAVING,
            vec![
                expense(date(2023, 9, 30), "1000.00", "F1", Some(date(2023, 9, 1))),
                expense(date(2023, 10, 1), "500.00", "F2", Some(date(2023, 9, 1))),
                expense(date(2023, 10, 2), "80.00", "F3", None),
                expense(date(2023, 6, 1), "120.00", "F4", Some(date(2023, 6, 15))),
            ],
            vec![staff(2023, "10", "36.50"), staff(2023, "7.5", "24.33")],
        ),
        2023,
        None,
    )
    .unwrap()
}

#[test]
fn a_member_leaving_on_30_september_pays_up_to_that_date() {
    let statement = leaving_statement();
    // Two groups: 30/09 (three members) and 01/10 (two members).
    assert_eq!(statement.groups.len(), 2);
    assert_eq!(statement.groups[0].members, ["44015", "44023", "44056"]);
    assert_eq!(statement.groups[1].members, ["44015", "44056"]);
    // 1 000,00 € over 10 000 inhabitants: 600,00, 300,00 and 100,00 exactly.
    // 500,00 € over 7 000: 428,571… and 71,428…; the cent left goes to the larger
    // remainder (Fay, 0,857 against 0,571): 428,57 and 71,43.
    assert_eq!(share_of(&statement, "44015").0, euros("1028.57"));
    assert_eq!(share_of(&statement, "44023").0, euros("300.00"));
    assert_eq!(share_of(&statement, "44056").0, euros("171.43"));
    // Staff time: 10 h × 36,50 = 365,00; 7,5 h × 24,33 = 182,475 → 182,48 (half away
    // from zero); 547,48 € with keys 6 000 × 365, 3 000 × 273 and 1 000 × 365: exact
    // 355,3590, 132,8945 and 59,2265 € → floors 355,35, 132,89, 59,22 (547,46); the two
    // cents go to Blain (0,90) and Fay (0,65) before Bouvron (0,45).
    assert_eq!(statement.staff_total, euros("547.48"));
    let half_cent = statement
        .staff
        .iter()
        .find(|row| row.row.hours == euros("7.5"))
        .unwrap();
    assert_eq!(half_cent.value, euros("182.48"));
    let bouvron = statement
        .staff_shares
        .iter()
        .find(|share| share.share.code == "44023")
        .unwrap();
    assert_eq!((bouvron.days, statement.days_in_year), (273, 365));
    assert_eq!(share_of(&statement, "44015").1, euros("355.36"));
    assert_eq!(share_of(&statement, "44023").1, euros("132.89"));
    assert_eq!(share_of(&statement, "44056").1, euros("59.23"));
    assert_eq!(share_of(&statement, "44023").2, euros("432.89"));
    // 1 500,00 € validated against a budget of 1 000,00 €: overrun of 500,00 €, shown first.
    assert_eq!(statement.budget.overrun, Some(euros("500.00")));
    let html = statement_html(&statement).unwrap();
    let overrun = html.find("Budget 2023 dépassé").unwrap();
    let convention = html.find("Convention à renégocier").unwrap();
    assert!(overrun < convention && convention < html.find("1. Clé").unwrap());
    // The convention ends on 31/12/2023, within six months of the call (17/11/2023).
    assert!(matches!(
        statement.convention,
        ConventionStatus::EndingSoon { .. }
    ));
}

#[test]
fn unvalidated_expenses_are_listed_apart_with_their_reason() {
    let statement = leaving_statement();
    assert_eq!(statement.included.len(), 2);
    let excluded: Vec<(&str, Exclusion)> = statement
        .excluded
        .iter()
        .map(|excluded| {
            (
                excluded.expense.supporting_document.as_str(),
                excluded.exclusion,
            )
        })
        .collect();
    assert_eq!(
        excluded,
        [
            ("F4", Exclusion::ValidatedAfter(date(2023, 6, 15))),
            ("F3", Exclusion::NotValidated),
        ]
    );
    let json =
        String::from_utf8(observatoire::repartition::write::json(&statement).unwrap()).unwrap();
    assert!(json.contains(
        r#""piece": "F3",
      "montant": "80.00",
      "motif": "pas de validation du COPIL""#
    ));
    assert!(json.contains("validée par le COPIL le 15/06/2023, après la date de la dépense"));
}

#[test]
fn a_year_without_journee_is_called_on_31_december() {
    // No journée for 2025: the call is dated 31/12/2025; no convention covers it and no
    // budget is voted, which the statement says.
    let statement = compute(
        &inputs(
            SIX,
            vec![expense(
                date(2025, 4, 1),
                "10.00",
                "F1",
                Some(date(2025, 3, 1)),
            )],
            Vec::new(),
        ),
        2025,
        None,
    )
    .unwrap();
    assert_eq!(statement.call_date, date(2025, 12, 31));
    assert_eq!(statement.call_date_origin, CallDateOrigin::EndOfYear);
    assert!(matches!(
        statement.convention,
        ConventionStatus::EndingSoon { .. }
    ));
    assert_eq!(statement.budget.budget, None);
    let html = statement_html(&statement).unwrap();
    assert!(html.contains("aucune journée annuelle n'est enregistrée pour 2025"));
    assert!(html.contains("Pas de budget 2025"));
    // A given date wins.
    let given = compute(
        &inputs(SIX, Vec::new(), Vec::new()),
        2024,
        Some(date(2025, 2, 1)),
    )
    .unwrap();
    assert_eq!(given.call_date_origin, CallDateOrigin::Given);
}

#[test]
fn staff_time_can_be_shown_without_being_called() {
    let toml = SIX.replace(
        "cle_population = \"totale\"",
        "cle_population = \"totale\"\nappeler_personnel = false",
    );
    let statement = compute(
        &inputs(&toml, Vec::new(), vec![staff(2024, "100", "30.00")]),
        2024,
        None,
    )
    .unwrap();
    assert_eq!(statement.staff_total, euros("3000.00"));
    assert!(share_of(&statement, "44023").1 > Decimal::ZERO);
    assert_eq!(statement.totals.to_call, Decimal::ZERO);
    assert_eq!(statement.called().count(), 0);
}

#[test]
fn inputs_problems_are_located() {
    // A member without a population in the vintage in force: located on its line.
    let missing = SIX.replace("\"44221\" = { municipale = 1559, totale = 1590 }\n", "");
    let mut problem_inputs = inputs(SIX, Vec::new(), Vec::new());
    problem_inputs.network.populations[0].values.remove("44221");
    problem_inputs.network_text.text = missing;
    let problems = compute(&problem_inputs, 2024, None).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].code, Code::E050);
    assert_eq!(problems[0].location.row, Some(51));
    assert!(problems[0].message.contains("La Chevallerais (44221)"));

    // An expense dated before every membership.
    let early = inputs(
        SIX,
        vec![expense(
            date(2013, 6, 1),
            "10.00",
            "F0",
            Some(date(2013, 5, 1)),
        )],
        Vec::new(),
    );
    let problems = compute(&early, 2013, Some(date(2024, 2, 1))).unwrap_err();
    assert_eq!(problems[0].code, Code::E051);

    // No vintage in force on the date of the call.
    let problems = compute(&early, 2013, None).unwrap_err();
    assert_eq!(problems[0].code, Code::E052);
    assert_eq!(problems[0].location.row, Some(47));
}

#[test]
fn the_statement_and_a_letter_are_snapshotted() {
    let statement = leaving_statement();
    insta::assert_snapshot!("statement", statement_html(&statement).unwrap());
    let bouvron = statement
        .called()
        .find(|member| member.code == "44023")
        .unwrap();
    insta::assert_snapshot!("letter_bouvron", letter_html(&statement, bouvron).unwrap());
}

/// The committed example (`reports/exemple/repartition/`) is what the tool writes today.
#[test]
fn the_committed_example_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = tempfile::tempdir().unwrap();
    let report = observatoire::repartition::run(&observatoire::repartition::RepartitionOptions {
        folder: root.join("sample_data"),
        network_file: None,
        year: 2024,
        call_date: None,
        output: output.path().to_path_buf(),
        max_input_bytes: observatoire::read::DEFAULT_MAX_INPUT_BYTES,
    })
    .unwrap();
    assert_eq!(report.exit_code(), 0, "{:#?}", report.diagnostics);
    let committed = root.join("reports/exemple/repartition");
    let mut names: Vec<String> = std::fs::read_dir(&committed)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut written: Vec<String> = report
        .written
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(names, written, "files of reports/exemple/repartition");
    for name in names {
        let fresh = std::fs::read(output.path().join(&name)).unwrap();
        let kept = std::fs::read(committed.join(&name)).unwrap();
        assert!(
            fresh == kept,
            "reports/exemple/repartition/{name} is stale: run `cargo run --release -- \
             repartition sample_data --annee 2024 --sortie reports/exemple/repartition`"
        );
    }
}

#[test]
fn outputs_are_deterministic_and_csv_follows_the_conventions() {
    let statement = leaving_statement();
    let first = render_all(&statement).unwrap();
    let second = render_all(&statement).unwrap();
    assert_eq!(first, second);
    let csv = &first
        .iter()
        .find(|(name, _)| name == "repartition.csv")
        .unwrap()
        .1;
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(text.starts_with(
        "\u{feff}code_commune;commune;population;depenses;personnel;total;a_appeler\r\n"
    ));
    assert!(text.contains("44023;Bouvron;3000;300,00;132,89;432,89;432,89\r\n"));
    let names: Vec<&str> = first.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "repartition.html",
            "repartition.pdf",
            "appel-44023-bouvron.html",
            "appel-44023-bouvron.pdf",
            "appel-44056-fay-de-bretagne.html",
            "appel-44056-fay-de-bretagne.pdf",
            "repartition.xlsx",
            "repartition.csv",
            "repartition.json"
        ]
    );
}

fn arbitrary_claimants() -> impl Strategy<Value = Vec<Claimant>> {
    prop::collection::btree_map(44_000u32..45_000, 0u128..200_000, 1..12).prop_map(|weights| {
        weights
            .into_iter()
            .map(|(code, weight)| Claimant {
                code: code.to_string(),
                weight,
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn shares_add_up_and_follow_the_keys(
        total in 0i64..100_000_000,
        claimants in arbitrary_claimants(),
    ) {
        let weight: u128 = claimants.iter().map(|claimant| claimant.weight).sum();
        prop_assume!(weight > 0 || total == 0);
        let shares = split_cents(total, &claimants).unwrap();
        prop_assert_eq!(shares.iter().sum::<i64>(), total);
        prop_assert!(shares.iter().all(|share| *share >= 0));
        for (left, left_share) in claimants.iter().zip(&shares) {
            for (right, right_share) in claimants.iter().zip(&shares) {
                if left.weight > right.weight {
                    prop_assert!(left_share >= right_share, "{:?} {:?}", left, right);
                }
            }
        }
    }

    #[test]
    fn the_split_does_not_depend_on_the_order_of_members(
        total in 0i64..10_000_000,
        claimants in arbitrary_claimants(),
        seed in any::<u64>(),
    ) {
        prop_assume!(claimants.iter().any(|claimant| claimant.weight > 0));
        let shares = split_cents(total, &claimants).unwrap();
        let mut shuffled: Vec<(Claimant, i64)> = claimants.into_iter().zip(shares).collect();
        let length = shuffled.len();
        for index in 0..length {
            let other = (seed as usize).wrapping_mul(index + 7) % length;
            shuffled.swap(index, other);
        }
        let (reordered, expected): (Vec<Claimant>, Vec<i64>) = shuffled.into_iter().unzip();
        prop_assert_eq!(split_cents(total, &reordered).unwrap(), expected);
    }

    #[test]
    fn the_statement_does_not_depend_on_the_order_of_rows(
        amounts in prop::collection::vec((1i64..500_000, 0u32..365, any::<bool>()), 1..20),
        populations in prop::collection::vec(1u64..50_000, 3),
        leaving_day in 0u32..365,
        hours in prop::collection::vec((0i64..2_000, 1i64..5_000), 0..6),
        rotation in 0usize..40,
    ) {
        let sortie = date(2023, 1, 1) + chrono::Days::new(u64::from(leaving_day));
        let toml = format!(r#"porteur = "44015"
[[membres]]
code = "44015"
nom = "Blain"
adhesion = 2014-01-01
[[membres]]
code = "44023"
nom = "Bouvron"
adhesion = 2014-01-01
sortie = {sortie}
[[membres]]
code = "44056"
nom = "Fay-de-Bretagne"
adhesion = 2014-01-01
[[populations]]
millesime = 2019
en_vigueur = 2022-01-01
source = "test"
valeurs = {{ "44015" = {{ municipale = {a}, totale = {a} }}, "44023" = {{ municipale = {b}, totale = {b} }}, "44056" = {{ municipale = {c}, totale = {c} }} }}
"#, a = populations[0], b = populations[1], c = populations[2]);
        let expenses: Vec<Expense> = amounts
            .iter()
            .enumerate()
            .map(|(index, (cents, day, validated))| {
                let day = date(2023, 1, 1) + chrono::Days::new(u64::from(*day));
                Expense {
                    amount: Decimal::new(*cents, 2),
                    ..expense(day, "0", &format!("F{index}"), validated.then_some(day))
                }
            })
            .collect();
        let staff_rows: Vec<StaffTime> = hours
            .iter()
            .map(|(hours, cost)| StaffTime {
                hours: Decimal::new(*hours, 1),
                hourly_cost: Decimal::new(*cost, 2),
                ..staff(2023, "0", "0")
            })
            .collect();
        let statement = compute(&inputs(&toml, expenses.clone(), staff_rows.clone()), 2023, None).unwrap();
        let mut reversed = expenses;
        reversed.reverse();
        let length = reversed.len();
        reversed.rotate_left(rotation % length);
        let mut staff_reversed = staff_rows;
        staff_reversed.reverse();
        let again = compute(&inputs(&toml, reversed, staff_reversed), 2023, None).unwrap();
        prop_assert_eq!(&statement, &again);
        // Every group adds up to its total, and the members to the year's total.
        for group in &statement.groups {
            prop_assert_eq!(group.shares.iter().map(|share| share.amount).sum::<Decimal>(), group.total);
        }
        prop_assert_eq!(statement.totals.total, statement.budget.total + statement.staff_total);
        prop_assert!(statement.members.iter().all(|member| member.total >= Decimal::ZERO));
    }
}

mod populations {
    //! `populations` on small files shaped like INSEE's (figures of 2022 are illustrative).

    use observatoire::diagnostic::Code;
    use observatoire::network::{parse_network, Population};
    use observatoire::repartition::populations::{import_populations, ImportOptions};
    use std::path::{Path, PathBuf};

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/repartition")
            .join(name)
    }

    /// A copy of the fixture `reseau.toml` in a temporary folder.
    fn network_copy() -> (tempfile::TempDir, PathBuf) {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("reseau.toml");
        std::fs::copy(fixture("reseau.toml"), &path).unwrap();
        (folder, path)
    }

    fn options(insee: PathBuf, network: &Path) -> ImportOptions {
        ImportOptions {
            insee_file: insee,
            network_file: network.to_path_buf(),
            vintage: 2022,
            in_force_from: super::date(2025, 1, 1),
        }
    }

    fn check_added(network: &Path) {
        let before = std::fs::read_to_string(fixture("reseau.toml")).unwrap();
        let after = std::fs::read_to_string(network).unwrap();
        // The coordinator's file is kept as written, comments included; the vintage is added.
        assert!(after.starts_with(&before), "{after}");
        let parsed = parse_network(&after).unwrap();
        let vintage = parsed.vintage_on(super::date(2025, 1, 1)).unwrap();
        assert_eq!(vintage.vintage, 2022);
        assert_eq!(vintage.values.len(), 6);
        assert_eq!(
            vintage.values["44015"],
            Population {
                municipal: 10_301,
                total: 10_527
            }
        );
        assert_eq!(
            vintage.values["44221"],
            Population {
                municipal: 1_580,
                total: 1_612
            }
        );
        assert!(!vintage.values.contains_key("44109"));
    }

    #[test]
    fn a_csv_with_coddep_and_codcom_adds_the_vintage() {
        let (_folder, network) = network_copy();
        let report = import_populations(&options(fixture("insee-2022.csv"), &network)).unwrap();
        assert_eq!(report.exit_code(), 0, "{:#?}", report.diagnostics);
        check_added(&network);
        // Twice is refused: the vintage is already there.
        let again = import_populations(&options(fixture("insee-2022.csv"), &network)).unwrap();
        assert_eq!(again.exit_code(), 1);
        assert_eq!(again.diagnostics[0].code, Code::E040);
    }

    #[test]
    fn an_xlsx_with_codgeo_adds_the_vintage() {
        let (folder, network) = network_copy();
        let insee = folder.path().join("insee.xlsx");
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet
            .write_string(0, 0, "Populations légales 2022")
            .unwrap();
        for (column, header) in ["CODGEO", "LIBGEO", "PMUN", "PTOT"].iter().enumerate() {
            sheet.write_string(2, column as u16, *header).unwrap();
        }
        let rows = [
            ("44015", "Blain", 10_301, 10_527),
            ("44023", "Bouvron", 3_102, 3_164),
            ("44056", "Fay-de-Bretagne", 3_801, 3_878),
            ("44062", "Le Gâvre", 1_972, 2_013),
            ("44111", "Notre-Dame-des-Landes", 2_268, 2_314),
            ("44221", "La Chevallerais", 1_580, 1_612),
            ("44109", "Nort-sur-Erdre", 9_123, 9_273),
        ];
        for (index, (code, name, municipale, totale)) in rows.iter().enumerate() {
            let row = 3 + index as u32;
            sheet.write_string(row, 0, *code).unwrap();
            sheet.write_string(row, 1, *name).unwrap();
            sheet.write_number(row, 2, f64::from(*municipale)).unwrap();
            sheet.write_number(row, 3, f64::from(*totale)).unwrap();
        }
        workbook.save(&insee).unwrap();
        let report = import_populations(&options(insee, &network)).unwrap();
        assert_eq!(report.exit_code(), 0, "{:#?}", report.diagnostics);
        check_added(&network);
    }

    /// INSEE's `ensemble.xlsx` of « Populations légales des communes », as LibreOffice
    /// writes it (`tests/fixtures/insee/make.py`): sheets « Régions » and « Départements »
    /// have populations too, the « Communes » one has title rows, French column titles and
    /// the département and commune codes in two columns (`44` and `015`, `971` and `01`).
    #[test]
    fn the_ensemble_workbook_as_insee_publishes_it_adds_the_vintage() {
        let (_folder, network) = network_copy();
        let insee = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/insee/populations/ensemble.xlsx");
        let report = import_populations(&options(insee, &network)).unwrap();
        assert_eq!(report.exit_code(), 0, "{:#?}", report.diagnostics);
        check_added(&network);
    }

    #[test]
    fn a_file_missing_a_member_is_refused() {
        let (_folder, network) = network_copy();
        let report = import_populations(&options(
            fixture("insee-2022-sans-la-chevallerais.csv"),
            &network,
        ))
        .unwrap();
        assert_eq!(report.exit_code(), 1);
        assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
        assert_eq!(report.diagnostics[0].code, Code::E055);
        assert!(report.diagnostics[0]
            .message
            .contains("La Chevallerais (44221)"));
        // Nothing was written.
        assert_eq!(
            std::fs::read(&network).unwrap(),
            std::fs::read(fixture("reseau.toml")).unwrap()
        );
    }
}

#[test]
fn the_command_line_exit_codes() {
    let binary = env!("CARGO_BIN_EXE_observatoire");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = tempfile::tempdir().unwrap();
    let run = |folder: &Path| {
        std::process::Command::new(binary)
            .args(["repartition"])
            .arg(folder)
            .args(["--annee", "2024", "--sortie"])
            .arg(output.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let fine = run(&root.join("sample_data"));
    assert_eq!(fine.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&fine.stdout).contains("à appeler : 7\u{a0}685,26\u{a0}€"));
    // A folder without reseau.toml: a located data problem, nothing written.
    let empty = tempfile::tempdir().unwrap();
    let missing = run(empty.path());
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("E053"));
    // A folder that does not exist: the tool cannot work.
    let nowhere = run(&empty.path().join("absent"));
    assert_eq!(nowhere.status.code(), Some(2));
}
