//! The frame shared by the HTML pages (the statement and the call letters): the
//! minijinja environment over the templates of `templates/`, its escaping, and the
//! [`Common`] header fields every page shows.

use super::{key_label, ARTICLE};
use crate::french::french_long_date;
use crate::repartition::{CallDateOrigin, RepartitionError, Statement};
use serde::Serialize;

const STYLE: &str = include_str!("../../../templates/style.css");
const STATEMENT_TEMPLATE: &str = include_str!("../../../templates/repartition.html");
const LETTER_TEMPLATE: &str = include_str!("../../../templates/appel.html");

/// The fields every page shows about the network, the year, the call and the key.
#[derive(Serialize)]
pub(super) struct Common {
    style: &'static str,
    reseau: String,
    annee: i32,
    date_appel: String,
    origine_date: String,
    millesime: i32,
    en_vigueur: String,
    source: String,
    cle: &'static str,
    porteur: String,
    porteur_code: String,
    appeler_personnel: bool,
    article: &'static str,
}

/// The common fields of a statement's pages.
pub(super) fn common(statement: &Statement) -> Common {
    Common {
        style: STYLE,
        reseau: statement.network_name.clone(),
        annee: statement.year,
        date_appel: french_long_date(statement.call_date),
        origine_date: match statement.call_date_origin {
            CallDateOrigin::Given => "date indiquée pour l'appel".to_string(),
            CallDateOrigin::Journee => format!("date de la journée annuelle {}", statement.year),
            CallDateOrigin::EndOfYear => format!(
                "aucune journée annuelle n'est enregistrée pour {} : 31 décembre par défaut",
                statement.year
            ),
        },
        millesime: statement.key.vintage,
        en_vigueur: french_long_date(statement.key.in_force_from),
        source: statement.key.source.clone(),
        cle: key_label(statement.key.key),
        porteur: statement.carrier_name.clone(),
        porteur_code: statement.carrier.clone(),
        appeler_personnel: statement.call_staff,
        article: ARTICLE,
    }
}

/// Escapes what HTML needs (`&`, `<`, `>`, `"`), leaving `/` and `'` readable in the
/// source of the page (minijinja's default escapes them too).
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    _state: &minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    let text = value.to_string();
    let text = if value.is_safe() {
        text
    } else {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    out.write_str(&text).map_err(|error| {
        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, error.to_string())
    })
}

fn environment() -> Result<minijinja::Environment<'static>, minijinja::Error> {
    let mut environment = minijinja::Environment::new();
    environment.set_formatter(html_formatter);
    environment.set_trim_blocks(true);
    environment.set_lstrip_blocks(true);
    environment.add_template("repartition.html", STATEMENT_TEMPLATE)?;
    environment.add_template("appel.html", LETTER_TEMPLATE)?;
    Ok(environment)
}

/// Renders one of the templates, an error naming the file it was rendering.
pub(super) fn render_template(
    name: &str,
    context: impl Serialize,
) -> Result<String, RepartitionError> {
    let error = |cause: minijinja::Error| RepartitionError::Render {
        file: name.to_string(),
        cause: cause.to_string(),
    };
    let environment = environment().map_err(error)?;
    let template = environment.get_template(name).map_err(error)?;
    template.render(context).map_err(error)
}
