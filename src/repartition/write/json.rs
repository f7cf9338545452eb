//! `repartition.json`: the statement for machines, amounts with a decimal point.

use super::dotted;
use crate::repartition::{RepartitionError, Statement};
use serde::Serialize;

#[derive(Serialize)]
struct JsonLine {
    code_commune: String,
    commune: String,
    population: u64,
    depenses: String,
    personnel: String,
    total: String,
    a_appeler: String,
}

#[derive(Serialize)]
struct JsonTotals {
    depenses: String,
    personnel: String,
    total: String,
    a_appeler: String,
}

#[derive(Serialize)]
struct JsonExcluded {
    piece: String,
    montant: String,
    motif: String,
}

#[derive(Serialize)]
struct JsonStatement {
    annee: i32,
    date_appel: String,
    millesime: i32,
    cle_population: &'static str,
    lignes: Vec<JsonLine>,
    totaux: JsonTotals,
    exclues: Vec<JsonExcluded>,
}

/// `repartition.json`, in the shape the issue gives.
pub fn json(statement: &Statement) -> Result<Vec<u8>, RepartitionError> {
    let document = JsonStatement {
        annee: statement.year,
        date_appel: statement.call_date.format("%Y-%m-%d").to_string(),
        millesime: statement.key.millesime,
        cle_population: statement.key.cle.label(),
        lignes: statement
            .members
            .iter()
            .map(|member| JsonLine {
                code_commune: member.code.clone(),
                commune: member.nom.clone(),
                population: member.population,
                depenses: dotted(member.depenses),
                personnel: dotted(member.personnel),
                total: dotted(member.total),
                a_appeler: dotted(member.a_appeler),
            })
            .collect(),
        totaux: JsonTotals {
            depenses: dotted(statement.totals.depenses),
            personnel: dotted(statement.totals.personnel),
            total: dotted(statement.totals.total),
            a_appeler: dotted(statement.totals.a_appeler),
        },
        exclues: statement
            .excluded
            .iter()
            .map(|excluded| JsonExcluded {
                piece: excluded.expense.piece.clone(),
                montant: dotted(excluded.expense.montant),
                motif: excluded.exclusion.reason(),
            })
            .collect(),
    };
    let mut bytes =
        serde_json::to_vec_pretty(&document).map_err(|error| RepartitionError::Render {
            file: "repartition.json".to_string(),
            cause: error.to_string(),
        })?;
    bytes.push(b'\n');
    Ok(bytes)
}
