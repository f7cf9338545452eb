//! An outside reader's interval attack on a published `indicateurs.csv`, for measuring a
//! mask (the same attacker as the tests, written apart from the masking code).
//!
//! ```sh
//! cargo run --release --example attaque -- reports/exemple/indicateurs.csv [INTERNE.csv]
//! ```
//! With the internal edition's `indicateurs.csv` as second argument, it also says which
//! hidden counts are small ones (1 to 4), the cells the primary rule protects.

#[path = "../tests/support/attacker.rs"]
mod attacker;

use std::collections::BTreeMap;

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let Some(published) = arguments.first() else {
        eprintln!("usage : attaque PUBLIE.csv [INTERNE.csv]");
        std::process::exit(2);
    };
    let read = |path: &str| {
        std::fs::read_to_string(path).unwrap_or_else(|error| {
            eprintln!("{path} : {error}");
            std::process::exit(2);
        })
    };
    let cells = attacker::read_csv(&read(published));
    let truth: Option<BTreeMap<(i32, String, String, String), i64>> =
        arguments.get(1).map(|path| {
            attacker::read_csv(&read(path))
                .into_iter()
                .filter_map(|cell| {
                    cell.value.map(|value| {
                        (
                            (cell.year, cell.commune, cell.indicator, cell.modality),
                            value,
                        )
                    })
                })
                .collect()
        });
    let findings = match attacker::attack(&cells) {
        Ok(findings) => findings,
        Err(error) => {
            eprintln!("attaque impossible : {error}");
            std::process::exit(2);
        }
    };
    let counts: Vec<&attacker::Finding> =
        findings.iter().filter(|finding| !finding.amount).collect();
    let exact = |list: &[&attacker::Finding]| {
        list.iter()
            .filter(|finding| finding.width() == Some(0))
            .count()
    };
    let narrow = |list: &[&attacker::Finding]| {
        list.iter()
            .filter(|finding| finding.width().is_some_and(|width| width < 5))
            .count()
    };
    let amounts: Vec<&attacker::Finding> =
        findings.iter().filter(|finding| finding.amount).collect();
    println!(
        "cases masquées : {} effectifs, {} montants",
        counts.len(),
        amounts.len()
    );
    println!("effectifs retrouvés exactement : {}", exact(&counts));
    println!(
        "effectifs dans un intervalle de largeur < 5 : {}",
        narrow(&counts)
    );
    println!("montants retrouvés exactement : {}", exact(&amounts));
    if let Some(truth) = truth {
        let small: Vec<&attacker::Finding> = counts
            .iter()
            .copied()
            .filter(|finding| {
                truth
                    .get(&(
                        finding.year,
                        finding.commune.clone(),
                        finding.indicator.clone(),
                        finding.modality.clone(),
                    ))
                    .is_some_and(|value| (1..5).contains(value))
            })
            .collect();
        println!(
            "petits effectifs (1 à 4) masqués : {}, dont retrouvés exactement : {}, dans un intervalle de largeur < 5 : {}",
            small.len(),
            exact(&small),
            narrow(&small)
        );
    }
}
