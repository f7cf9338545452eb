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
        millesime: statement.key.vintage,
        cle_population: statement.key.key.label(),
        lignes: statement
            .members
            .iter()
            .map(|member| JsonLine {
                code_commune: member.code.clone(),
                commune: member.name.clone(),
                population: member.population,
                depenses: dotted(member.expenses),
                personnel: dotted(member.staff),
                total: dotted(member.total),
                a_appeler: dotted(member.to_call),
            })
            .collect(),
        totaux: JsonTotals {
            depenses: dotted(statement.totals.expenses),
            personnel: dotted(statement.totals.staff),
            total: dotted(statement.totals.total),
            a_appeler: dotted(statement.totals.to_call),
        },
        exclues: statement
            .excluded
            .iter()
            .map(|excluded| JsonExcluded {
                piece: excluded.expense.supporting_document.clone(),
                montant: dotted(excluded.expense.amount),
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
