//! What the statement warns about (budget overrun, convention to renegotiate, no budget):
//! the same alerts head the HTML statement and the terminal summary, so they are written
//! once here.

use crate::french::french_money;
use crate::repartition::{french_date, ConventionStatus, Statement};
use serde::Serialize;

/// One warning: its title (on the terminal and the page) and its text (on the page).
#[derive(Serialize)]
pub(super) struct Alert {
    pub(super) title: String,
    pub(super) text: String,
}

/// The warnings of a statement, in the order they are shown.
pub(super) fn alerts(statement: &Statement) -> Vec<Alert> {
    let mut alerts = Vec::new();
    if let (Some(overrun), Some(budget)) = (statement.budget.overrun, statement.budget.budget) {
        alerts.push(Alert {
            title: format!(
                "Budget {} dépassé de {}",
                statement.year,
                french_money(overrun)
            ),
            text: format!(
                "Les dépenses validées ({}) dépassent le budget voté ({}). Elles sont \
                 réparties quand même, comme le prévoit la convention ; le dépassement est \
                 à présenter au comité de pilotage.",
                french_money(statement.budget.total),
                french_money(budget)
            ),
        });
    }
    match &statement.convention {
        ConventionStatus::InForce { .. } => {}
        ConventionStatus::EndingSoon { debut, fin } => alerts.push(Alert {
            title: "Convention à renégocier".to_string(),
            text: format!(
                "La convention en vigueur (du {} au {}) prend fin moins de six mois après \
                 la date de l'appel, sans renouvellement enregistré : elle doit être \
                 renégociée (article 11).",
                french_date(*debut),
                french_date(*fin)
            ),
        }),
        ConventionStatus::None => alerts.push(Alert {
            title: "Aucune convention en vigueur".to_string(),
            text: format!(
                "Aucune période de convention enregistrée dans reseau.toml ne couvre le {} \
                 (date de l'appel) : la convention doit être renégociée (article 11).",
                french_date(statement.call_date)
            ),
        }),
    }
    if statement.budget.budget.is_none() {
        alerts.push(Alert {
            title: format!("Pas de budget {}", statement.year),
            text: format!(
                "reseau.toml ne donne pas de budget pour {} : les dépenses ne peuvent pas \
                 être comparées au budget voté.",
                statement.year
            ),
        });
    }
    alerts
}
