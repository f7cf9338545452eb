//! `audit-secret.json`: how well the published edition's mask holds, cell by cell.
//!
//! It gives, for each hidden cell, the width of the interval an attacker holding every
//! published file can compute (never the value itself), the width the rule requires, and
//! the share of cells hidden, per commune and for the whole report, so that the working
//! group can see both the protection and what it costs in information.

use super::{Context, ReportError};
use crate::protect::suppression::AMOUNT_PROTECTION_PERCENT;
use serde::Serialize;

#[derive(Serialize)]
struct Share {
    code_commune: String,
    commune: String,
    cases: usize,
    cases_masquees: usize,
    part_masquee_pour_cent: String,
}

#[derive(Serialize)]
struct Document<'a> {
    description: &'static str,
    seuil_secret: u32,
    intervalle_protection: u32,
    effectif_minimum_mediane: u32,
    protection_montants_pour_cent: i64,
    regle_dominance_pour_cent: u32,
    audit_reussi: bool,
    cases: usize,
    cases_masquees: usize,
    part_masquee_pour_cent: String,
    largeur_minimale_effectifs_primaires: Option<i64>,
    par_commune: Vec<Share>,
    cases_masquees_detail: &'a [crate::protect::AuditedCell],
}

/// A share in percent with one decimal, as text (`12.3`), 0 when nothing to divide.
pub fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0.0".to_string();
    }
    let tenths = (part as u128 * 1000 + whole as u128 / 2) / whole as u128;
    format!("{}.{}", tenths / 10, tenths % 10)
}

pub fn render(context: &Context) -> Result<Vec<u8>, ReportError> {
    let secret = context.secret;
    let settings = secret
        .settings
        .unwrap_or_else(|| crate::protect::Settings::of(&context.verification.network));
    let (cells, hidden) = secret.audit.totals();
    let par_commune = secret
        .audit
        .per_commune
        .iter()
        .map(|(code, (all, masked))| Share {
            code_commune: code.clone(),
            commune: context.name(code),
            cases: *all,
            cases_masquees: *masked,
            part_masquee_pour_cent: percent(*masked, *all),
        })
        .collect();
    let document = Document {
        description: "Audit du secret statistique de l'édition publiée : pour chaque case masquée, la largeur de l'intervalle qu'un lecteur détenant tous les fichiers publiés peut calculer (jamais la valeur). Largeurs en demandes, en foyers ou en centimes.",
        seuil_secret: settings.threshold,
        intervalle_protection: settings.protection_level,
        effectif_minimum_mediane: settings.median_minimum,
        protection_montants_pour_cent: AMOUNT_PROTECTION_PERCENT,
        regle_dominance_pour_cent: crate::protect::DOMINANCE_PERCENT,
        audit_reussi: secret.audited(),
        cases: cells,
        cases_masquees: hidden,
        part_masquee_pour_cent: percent(hidden, cells),
        largeur_minimale_effectifs_primaires: secret.audit.narrowest_count(),
        par_commune,
        cases_masquees_detail: &secret.audit.cells,
    };
    let mut bytes = serde_json::to_vec_pretty(&document)
        .map_err(|error| ReportError::render("l'audit du secret", error))?;
    bytes.push(b'\n');
    Ok(bytes)
}
