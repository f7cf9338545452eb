//! The statistical secret against a reader who holds every published file.
//!
//! An attacker written apart from the masking code (`tests/support/attacker.rs`) reads the
//! published `indicateurs.csv` as an outside reader would and computes, by integer linear
//! programming, the interval of every hidden cell. The tests hold the mask to the rule:
//! no hidden cell is exactly recoverable, and every cell hidden by the primary rule has an
//! interval at least the protection level wide. They do so on random small networks
//! (property tests), on `sample_data`, and on the cases that used to leak.

#[path = "../support/attacker.rs"]
mod attacker;

use attacker::{Finding, Published, NETWORK};
use observatoire::count::Key;
use observatoire::protect::model::{CellInfo, Family, Model};
use observatoire::protect::{attack, suppression};
use observatoire::report::{self, ReportOptions};
use observatoire::verify::{verify, VerifyOptions};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const LEVEL: i64 = 5;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(folder: &Path, internal: bool) -> report::Report {
    let verification = verify(&[folder.to_path_buf()], &VerifyOptions::default())
        .unwrap_or_else(|error| panic!("verify {}: {error}", folder.display()));
    let options = ReportOptions {
        internal,
        ..ReportOptions::default()
    };
    report::build(&verification, &options).unwrap_or_else(|error| panic!("build: {error}"))
}

fn csv_of(report: &report::Report) -> String {
    let file = report
        .files
        .iter()
        .find(|file| file.path == Path::new("indicateurs.csv"))
        .expect("indicateurs.csv");
    String::from_utf8(file.bytes.clone()).expect("UTF-8")
}

type Place = (i32, String, String, String);

fn place(cell: &Published) -> Place {
    (
        cell.year,
        cell.commune.clone(),
        cell.indicator.clone(),
        cell.modality.clone(),
    )
}

fn finding_place(finding: &Finding) -> Place {
    (
        finding.year,
        finding.commune.clone(),
        finding.indicator.clone(),
        finding.modality.clone(),
    )
}

/// The published and internal editions of a folder, attacked; returns the findings with
/// the true value of each hidden cell.
fn attack_folder(folder: &Path) -> Vec<(Finding, i64)> {
    let published = attacker::read_csv(&csv_of(&build(folder, false)));
    let truth: BTreeMap<Place, i64> = attacker::read_csv(&csv_of(&build(folder, true)))
        .into_iter()
        .filter_map(|cell| cell.value.map(|value| (place(&cell), value)))
        .collect();
    attacker::attack(&published)
        .expect("attack")
        .into_iter()
        .filter(|finding| {
            // Withheld by design (households in several communes, per commune).
            !(finding.indicator == "foyers_plusieurs_communes" && finding.commune != NETWORK)
        })
        .map(|finding| {
            let value = truth
                .get(&finding_place(&finding))
                .copied()
                .unwrap_or_else(|| panic!("no true value for {finding:?}"));
            (finding, value)
        })
        .collect()
}

/// The rule, checked on the attacker's findings: the true value is inside; nothing is
/// exact; a small count has an interval at least `LEVEL` wide; a hidden amount cannot be
/// placed within 25 % either way when it is a primary one (it comes from few households,
/// which the published files do not say, so every hidden amount is held to it here only
/// when it is not exact).
fn assert_rule(findings: &[(Finding, i64)]) {
    for (finding, value) in findings {
        assert!(
            finding.lower <= *value && finding.upper.is_none_or(|upper| upper >= *value),
            "the true value lies outside the attacker's interval: {finding:?} {value}"
        );
        let width = finding.width().unwrap_or(i64::MAX);
        assert!(width > 0, "exactly recovered: {finding:?} = {value}");
        if !finding.amount && *value < LEVEL {
            assert!(
                width >= LEVEL,
                "a count of {value} is squeezed into width {width}: {finding:?}"
            );
        }
    }
}

/// `sample_data` as a whole, then its 2022 nature-of-aid table: the cells an outside
/// reader used to recover exactly with published zeros (Bouvron « Enfance et scolarité »,
/// Fay-de-Bretagne « Santé » and « Enfance et scolarité », Le Gâvre « Logement »).
#[test]
fn sample_data_resists_the_interval_attack() {
    let findings = attack_folder(&root().join("sample_data"));
    assert!(findings.len() > 100, "{} hidden cells", findings.len());
    assert_rule(&findings);
    // The 2022 natures: each was recovered exactly by an outside reader of the previous
    // mask. Now a small one is hidden within at least 5; Le Gâvre's 5 housing requests
    // are under no secret and may be published.
    let published = attacker::read_csv(&csv_of(&build(&root().join("sample_data"), false)));
    for (commune, modality, small) in [
        ("44023", "Enfance et scolarité", true),
        ("44056", "Santé", true),
        ("44056", "Enfance et scolarité", true),
        ("44062", "Logement", false),
    ] {
        let finding = findings.iter().find(|(finding, _)| {
            finding.year == 2022
                && finding.commune == commune
                && finding.indicator == "demandes_par_nature_aide"
                && finding.modality == modality
        });
        match finding {
            Some((finding, value)) => {
                let width = finding.width().unwrap_or(i64::MAX);
                let required = if *value < LEVEL { LEVEL } else { 1 };
                assert!(
                    width >= required,
                    "{commune} {modality} = {value} within width {width}"
                );
            }
            None => {
                assert!(!small, "{commune} {modality} is small and published");
                let cell = published
                    .iter()
                    .find(|cell| {
                        cell.year == 2022
                            && cell.commune == commune
                            && cell.indicator == "demandes_par_nature_aide"
                            && cell.modality == modality
                    })
                    .expect("published");
                assert!(cell.value.is_some_and(|value| value >= LEVEL), "{cell:?}");
            }
        }
    }
}

/// One household seen in two communes (F01, in Blain and Bouvron, in `tests/rapport/petit`):
/// the communes' distinct households minus the network's is 1, so the network's count of
/// households in several communes must not be findable, and no commune publishes its own.
#[test]
fn one_household_in_two_communes_is_not_given_away() {
    let folder = root().join("tests/rapport/petit");
    let published = attacker::read_csv(&csv_of(&build(&folder, false)));
    for cell in &published {
        if cell.indicator == "foyers_plusieurs_communes" {
            assert_eq!(cell.value, None, "{cell:?}");
        }
    }
    let findings = attack_folder(&folder);
    let (several, value) = findings
        .iter()
        .find(|(finding, _)| {
            finding.indicator == "foyers_plusieurs_communes" && finding.commune == NETWORK
        })
        .expect("the network's households in several communes are hidden");
    assert_eq!(*value, 1);
    assert!(several.width().unwrap_or(i64::MAX) >= LEVEL, "{several:?}");
    assert_rule(&findings);
}

/// A median of 5 grants is one household's amount: it is never published.
#[test]
fn a_median_on_five_grants_is_secret() {
    let folder = root().join("tests/rapport/petit");
    let internal = csv_of(&build(&folder, true));
    let published = csv_of(&build(&folder, false));
    let row = |csv: &str, commune: &str, modality: &str| -> String {
        csv.lines()
            .find(|line| {
                line.starts_with(&format!("2024;{commune};"))
                    && line.contains(&format!(";montant_median_par_nature_aide;{modality};"))
            })
            .unwrap_or_else(|| panic!("median {commune} {modality}"))
            .to_string()
    };
    // Bouvron granted 5 energy aids (tests/rapport/petit/bouvron/demandes-2024.csv).
    let internal_row = row(&internal, "44023", "Énergie et fluides");
    assert!(!internal_row.ends_with(";;1"), "{internal_row}");
    let published_row = row(&published, "44023", "Énergie et fluides");
    assert!(published_row.ends_with(";;1"), "{published_row}");
    // Every published median is a multiple of 5 €.
    for line in published.lines() {
        let fields: Vec<&str> = line.split(';').collect();
        if fields.get(3) == Some(&"montant_median_par_nature_aide") && !fields[5].is_empty() {
            let euros: i64 = fields[5].parse().unwrap_or_else(|_| panic!("{line}"));
            assert_eq!(euros % 5, 0, "{line}");
        }
    }
}

#[test]
fn the_published_edition_holds_no_row_level_file_and_an_audit() {
    let folder = root().join("sample_data");
    let report = build(&folder, false);
    let names: Vec<String> = report
        .files
        .iter()
        .map(|file| file.path.to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|name| name.contains("demandes")),
        "{names:?}"
    );
    let audit = report
        .files
        .iter()
        .find(|file| file.path == Path::new("audit-secret.json"))
        .expect("audit-secret.json");
    let audit: serde_json::Value = serde_json::from_slice(&audit.bytes).expect("JSON");
    assert_eq!(audit["audit_reussi"], true);
    assert!(
        audit["largeur_minimale_effectifs_primaires"]
            .as_i64()
            .unwrap_or(0)
            >= LEVEL
    );
    let text = String::from_utf8_lossy(&report.files[0].bytes).into_owned();
    assert!(!text.contains("demandes.parquet"));
    // The committed example folder too: no file with one row per request.
    let committed = root().join("reports/exemple");
    assert!(!committed.join("demandes.parquet").exists());
    let internal = build(&folder, true);
    assert!(internal
        .files
        .iter()
        .any(|file| file.path == Path::new("demandes.parquet")));
}

/// Random communes × categories tables, two breakdowns sharing the commune totals, as the
/// report's tables do; many small cells and zeros.
fn network() -> impl Strategy<Value = Vec<Vec<Vec<i64>>>> {
    network_of(2..6, 2..5)
}

/// Random tables of `communes` rows (and the network's) and `modalities` categories, with
/// many small cells and zeros, and a second breakdown of the same totals.
fn network_of(
    communes: std::ops::Range<usize>,
    modalities: std::ops::Range<usize>,
) -> impl Strategy<Value = Vec<Vec<Vec<i64>>>> {
    (communes, modalities).prop_flat_map(|(communes, modalities)| {
        let cell = prop_oneof![3 => 0i64..5, 2 => 0i64..30];
        proptest::collection::vec(
            proptest::collection::vec(cell, modalities * communes),
            1..=1,
        )
        .prop_map(move |tables| {
            let flat = &tables[0];
            let first: Vec<Vec<i64>> = (0..communes)
                .map(|commune| flat[commune * modalities..(commune + 1) * modalities].to_vec())
                .collect();
            // The second breakdown: the same totals, split differently (rotated).
            let second: Vec<Vec<i64>> = first
                .iter()
                .map(|row| {
                    let total: i64 = row.iter().sum();
                    let mut split = vec![0i64; 2];
                    split[0] = total / 3;
                    split[1] = total - split[0];
                    split
                })
                .collect();
            vec![first, second]
        })
    })
}

/// The library's model of `tables`: a total per row, the breakdowns of each table, the
/// network's row; with the key of each cell.
fn model_of(tables: &[Vec<Vec<i64>>]) -> (Model, Vec<(Key, usize)>) {
    let communes = tables[0].len();
    let rows: Vec<String> = (0..communes)
        .map(|commune| format!("{}", 44000 + commune))
        .chain(std::iter::once(NETWORK.to_string()))
        .collect();
    let mut model = Model::default();
    let mut cells: Vec<(Key, usize)> = Vec::new();
    let mut add =
        |model: &mut Model, row: &str, indicator: &str, modality: &str, value: i64, total: bool| {
            let key = Key::new(2024, row, indicator, modality);
            let index = model.add_cell(
                value,
                CellInfo {
                    key: key.clone(),
                    family: Family::Requests,
                    table: indicator.to_string(),
                    row: row.to_string(),
                    is_row_total: total,
                    primary: value > 0 && value < LEVEL,
                },
            );
            cells.push((key, index));
            index
        };
    let totals: Vec<i64> = tables[0].iter().map(|row| row.iter().sum()).collect();
    let mut total_cells = Vec::new();
    for (position, row) in rows.iter().enumerate() {
        let value = totals
            .get(position)
            .copied()
            .unwrap_or_else(|| totals.iter().sum());
        total_cells.push(add(&mut model, row, "demandes", "Total", value, true));
    }
    model.sum(&total_cells[..communes], total_cells[communes]);
    for (table_position, table) in tables.iter().enumerate() {
        let indicator = format!("demandes_par_champ{table_position}");
        let modalities = table[0].len();
        let mut grid = vec![vec![0usize; modalities]; communes + 1];
        for modality in 0..modalities {
            let network: i64 = table.iter().map(|row| row[modality]).sum();
            for (position, row) in rows.iter().enumerate() {
                let value = table.get(position).map_or(network, |line| line[modality]);
                grid[position][modality] = add(
                    &mut model,
                    row,
                    &indicator,
                    &format!("m{modality}"),
                    value,
                    false,
                );
            }
            let column: Vec<usize> = (0..communes)
                .map(|commune| grid[commune][modality])
                .collect();
            model.sum(&column, grid[communes][modality]);
        }
        for (position, line) in grid.iter().enumerate() {
            model.sum(line, total_cells[position]);
        }
    }
    (model, cells)
}

/// The independent attacker's findings on `published`, each with the cell's true value.
fn attack_with_truth(
    published: &[Published],
    truth: &BTreeMap<Place, i64>,
) -> Result<Vec<(Finding, i64)>, String> {
    Ok(attacker::attack(published)?
        .into_iter()
        .map(|finding| {
            let value = truth[&finding_place(&finding)];
            (finding, value)
        })
        .collect())
}

/// Builds the library's model of `tables`, protects it, and returns the published cells
/// as a reader would see them.
fn protect_tables(tables: &[Vec<Vec<i64>>]) -> Vec<Published> {
    let (model, cells) = model_of(tables);
    let mask = suppression::protect(&model, LEVEL);
    assert!(mask.unprotected.is_empty(), "{:?}", mask.unprotected);
    cells
        .into_iter()
        .map(|(key, index)| Published {
            year: key.year,
            commune: key.commune,
            indicator: key.indicator,
            modality: key.modality,
            value: (!mask.hidden[index]).then(|| model.variables[index].value),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_small_networks_resist_the_attack(tables in network()) {
        let published = protect_tables(&tables);
        // Zeros are never hidden: the reader's « hidden ⇒ at least 1 » is true.
        let truth: BTreeMap<Place, i64> = {
            let mut truth = BTreeMap::new();
            let communes = tables[0].len();
            let totals: Vec<i64> = tables[0].iter().map(|row| row.iter().sum()).collect();
            for commune in 0..=communes {
                let row = if commune == communes { NETWORK.to_string() } else { format!("{}", 44000 + commune) };
                let total = totals.get(commune).copied().unwrap_or_else(|| totals.iter().sum());
                truth.insert((2024, row.clone(), "demandes".to_string(), "Total".to_string()), total);
                for (position, table) in tables.iter().enumerate() {
                    for modality in 0..table[0].len() {
                        let value = table.get(commune).map_or_else(|| table.iter().map(|line| line[modality]).sum(), |line| line[modality]);
                        truth.insert((2024, row.clone(), format!("demandes_par_champ{position}"), format!("m{modality}")), value);
                    }
                }
            }
            truth
        };
        for cell in &published {
            if cell.value.is_none() {
                prop_assert!(truth[&place(cell)] > 0, "a zero is hidden: {cell:?}");
            }
        }
        let findings = attack_with_truth(&published, &truth).map_err(TestCaseError::fail)?;
        assert_rule(&findings);
    }

    #[test]
    fn the_same_tables_give_the_same_mask(tables in network()) {
        prop_assert_eq!(protect_tables(&tables), protect_tables(&tables));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// On a network large enough for its groups to be proven by certificates, every
    /// certified interval lies inside the reader's exact interval (a certificate never
    /// claims more than the truth), and the mask passes: each primary cell reaches its
    /// width, no hidden cell is exact.
    #[test]
    fn certificates_never_claim_more_than_the_exact_attack(
        tables in network_of(40..56, 3..6),
        with_own_search in any::<bool>(),
    ) {
        let (model, _) = model_of(&tables);
        let mask = suppression::protect(&model, LEVEL);
        prop_assert!(mask.unprotected.is_empty(), "{:?}", mask.unprotected);
        let targets: Vec<usize> = (0..model.variables.len()).filter(|index| mask.hidden[*index]).collect();
        // With the masking's certificates, and without any (the audit then searches its
        // own, or falls back to the exact programmes): both must hold to the same rule.
        let certificates = if with_own_search { &[][..] } else { &mask.certificates[..] };
        let intervals = attack::attack(&model, &mask.hidden, &targets, certificates, LEVEL)
            .map_err(|error| TestCaseError::fail(error.to_string()))?;
        let certified: BTreeMap<usize, attack::Interval> = intervals
            .iter()
            .filter(|(_, interval)| !interval.exact)
            .map(|(index, interval)| (*index, *interval))
            .collect();
        for (index, interval) in &intervals {
            let width = interval.width().unwrap_or(i64::MAX);
            prop_assert!(width >= attack::required_width(&model, *index, LEVEL), "{index}: {interval:?}");
        }
        for members in attack::groups(&model, &mask.hidden) {
            let wanted: std::collections::BTreeSet<usize> =
                members.iter().copied().filter(|member| certified.contains_key(member)).collect();
            if wanted.is_empty() {
                continue;
            }
            let exact = attack::attack_group(&model, &mask.hidden, &members, &wanted)
                .map_err(|error| TestCaseError::fail(error.to_string()))?;
            for (index, truth) in exact {
                let claimed = certified[&index];
                prop_assert!(truth.lower <= claimed.lower, "{index}: {claimed:?} beyond {truth:?}");
                prop_assert!(
                    truth.upper.is_none_or(|upper| claimed.upper.is_some_and(|claimed| claimed <= upper)),
                    "{index}: {claimed:?} beyond {truth:?}"
                );
            }
        }
    }
}

/// A network of 48 communes joins its hidden cells into groups too large for the exact
/// programmes: those cells are proven by certificates (and said so), and the independent
/// attacker still finds nothing exact and no primary cell too narrow.
#[test]
fn a_large_network_is_proven_by_certificates() {
    let communes = 48;
    let modalities = 4;
    let first: Vec<Vec<i64>> = (0..communes)
        .map(|commune| {
            (0..modalities)
                .map(|modality| {
                    ((commune * 7 + modality * 3) % 11) as i64 % 6
                        + ((commune + modality) % 3 == 0) as i64 * 12
                })
                .collect()
        })
        .collect();
    let second: Vec<Vec<i64>> = first
        .iter()
        .map(|row| {
            let total: i64 = row.iter().sum();
            vec![total / 3, total - total / 3]
        })
        .collect();
    let tables = vec![first, second];
    let (model, _) = model_of(&tables);
    let mask = suppression::protect(&model, LEVEL);
    let largest = attack::groups(&model, &mask.hidden)
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    assert!(
        largest > attack::EXACT_GROUP_LIMIT,
        "largest group: {largest}"
    );
    let targets: Vec<usize> = (0..model.variables.len())
        .filter(|index| mask.hidden[*index])
        .collect();
    let intervals =
        attack::attack(&model, &mask.hidden, &targets, &mask.certificates, LEVEL).unwrap();
    assert!(intervals.iter().any(|(_, interval)| !interval.exact));
    let published = protect_tables(&tables);
    let truth: BTreeMap<Place, i64> = published
        .iter()
        .zip(model_of(&tables).1)
        .map(|(cell, (_, index))| (place(cell), model.variables[index].value))
        .collect();
    assert_rule(&attack_with_truth(&published, &truth).unwrap());
}
