//! `bilan` and `annuaire`: the COPIL rule on 3 and 4 meetings, a member never present,
//! the money figures equal to `repartition`'s for the same year, and snapshots of the
//! French text of the evaluation and of the directory.

use observatoire::activity::{directory, evaluate, read, MINIMUM_COPIL_MEETINGS};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const HEADER: &str = "Année;Date;Instance;Thème;Communes représentées;Élus;Professionnels;Bénévoles;Autres participants;Ligne d'action;Suite donnée";

/// A folder with the example's `reseau.toml` and an activity sheet of `copil` meetings of
/// 2024, each attended by `communes`.
fn folder_with_copil(copil: usize, communes: &str) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temporary folder");
    std::fs::copy(
        root().join("sample_data/reseau.toml"),
        folder.path().join("reseau.toml"),
    )
    .expect("reseau.toml");
    let mut text = format!("{HEADER}\n");
    for meeting in 0..copil {
        text.push_str(&format!(
            "2024;{:02}/{:02}/2024;COPIL;Réunion {};{communes};5;6;0;0;Fonctionnement commun;\n",
            10 + meeting,
            1 + meeting * 3,
            meeting + 1
        ));
    }
    text.push_str(
        "2024;14/03/2024;Groupe thématique;Mobilité;Blain, Bouvron;1;5;3;0;Dynamique Inter-CCAS;\n",
    );
    std::fs::write(folder.path().join("activite-2024.csv"), text).expect("activite");
    folder
}

fn evaluation_of(folder: &Path) -> observatoire::activity::Evaluation {
    let verification = read(folder, None, u64::MAX).expect("verification");
    evaluate(folder, &verification, 2024)
}

const ALL_BUT_LA_CHEVALLERAIS: &str =
    "Blain, Bouvron, Fay-de-Bretagne, Le Gâvre, Notre-Dame-des-Landes";

#[test]
fn three_copil_meetings_are_below_the_minimum_and_said_on_the_first_page() {
    let folder = folder_with_copil(3, "Toutes");
    let evaluation = evaluation_of(folder.path());
    assert_eq!(evaluation.copil.len(), 3);
    assert_eq!(evaluation.actions.len(), 1);
    assert_eq!(
        evaluation.warnings.first().map(String::as_str),
        Some("Le COPIL s'est réuni 3 fois en 2024 : la convention (article 7) demande au moins 4 réunions par an.")
    );
    let page = observatoire::activity::html::render(&evaluation).expect("page");
    let warning = page.find("class=\"alerte\"").expect("a warning");
    assert!(warning < page.find("id=\"copil\"").expect("the COPIL section"));
}

#[test]
fn four_copil_meetings_meet_the_minimum() {
    let folder = folder_with_copil(MINIMUM_COPIL_MEETINGS, "Toutes");
    let evaluation = evaluation_of(folder.path());
    assert_eq!(evaluation.copil.len(), 4);
    assert!(evaluation.never_present.is_empty());
    assert!(
        evaluation
            .warnings
            .iter()
            .all(|warning| !warning.contains("COPIL s'est réuni")),
        "{:?}",
        evaluation.warnings
    );
    let page = observatoire::activity::html::render(&evaluation).expect("page");
    assert!(page.contains("Aucun point d'alerte"));
}

#[test]
fn a_member_never_at_the_copil_is_shown() {
    let folder = folder_with_copil(4, ALL_BUT_LA_CHEVALLERAIS);
    let evaluation = evaluation_of(folder.path());
    assert_eq!(
        evaluation.never_present,
        vec!["La Chevallerais".to_string()]
    );
    let absent = evaluation
        .attendance
        .iter()
        .find(|member| member.code == "44221")
        .expect("La Chevallerais");
    assert!(absent.never);
    assert_eq!(absent.present, 0);
    assert!(evaluation
        .attendance
        .iter()
        .filter(|member| member.code != "44221")
        .all(|member| member.present == 4));
    assert!(evaluation.warnings.contains(
        &"La commune de La Chevallerais n'a été représentée à aucune réunion du COPIL en 2024."
            .to_string()
    ));
}

#[test]
fn the_money_figures_are_those_of_repartition() {
    let folder = root().join("sample_data");
    let evaluation = evaluation_of(&folder);
    let (inputs, diagnostics) =
        observatoire::repartition::load(&folder, None, u64::MAX).expect("inputs");
    assert!(!diagnostics.iter().any(|diagnostic| diagnostic.is_error()));
    let statement = observatoire::repartition::compute(&inputs.expect("inputs"), 2024, None)
        .expect("statement");
    let shown = evaluation
        .statement
        .as_ref()
        .expect("the evaluation's statement");
    assert_eq!(shown.budget, statement.budget);
    assert_eq!(shown.staff_per_line, statement.staff_per_line);
    assert_eq!(shown.staff_total, statement.staff_total);
    assert_eq!(shown, &statement);
    // And as printed: the committed statement of the example shows the same totals.
    let printed =
        std::fs::read_to_string(root().join("reports/exemple/repartition/repartition.html"))
            .expect("repartition.html");
    let money = evaluation.money.as_ref().expect("money");
    for amount in [&money.expenses, &money.staff] {
        let in_html = amount.replace('\u{a0}', "&nbsp;");
        assert!(
            printed.contains(amount.as_str()) || printed.contains(&in_html),
            "{amount} is not in repartition.html"
        );
    }
}

#[test]
fn a_validated_expense_without_its_piece_is_listed() {
    let folder = folder_with_copil(4, "Toutes");
    std::fs::write(
        folder.path().join("depenses.csv"),
        "Date;Libellé;Fournisseur;Montant TTC;Ligne d'action;Date de validation COPIL;N° de pièce\n\
         12/05/2024;Location de salle;Salle municipale;320,00;Journée annuelle;02/05/2024;\n\
         20/06/2024;Impression;Imprimerie du Canal;150,00;Fonctionnement commun;02/05/2024;F2024-002\n",
    )
    .expect("depenses");
    let evaluation = evaluation_of(folder.path());
    assert_eq!(evaluation.missing_pieces.len(), 1);
    let missing = &evaluation.missing_pieces[0];
    assert_eq!(
        missing.place,
        format!("{}/depenses.csv › G2", folder.path().display())
    );
    assert_eq!(missing.label, "Location de salle");
}

/// The page's text without tags, one line per block, for a snapshot a reader can review.
fn page_text(html: &str) -> String {
    let without_style = match (html.find("<style>"), html.find("</style>")) {
        (Some(start), Some(end)) => format!("{}{}", &html[..start], &html[end..]),
        _ => html.to_string(),
    };
    let without_script = match (
        without_style.find("<script>"),
        without_style.find("</script>"),
    ) {
        (Some(start), Some(end)) => format!("{}{}", &without_style[..start], &without_style[end..]),
        _ => without_style,
    };
    let mut text = String::new();
    let mut in_tag = false;
    for character in without_script.chars() {
        match character {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(character),
            _ => {}
        }
    }
    text.replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_example_evaluation_in_french() {
    let folder = root().join("sample_data");
    let evaluation = evaluation_of(&folder);
    let page = observatoire::activity::html::render(&evaluation).expect("page");
    insta::assert_snapshot!("bilan_exemple_2024", page_text(&page));
}

#[test]
fn the_example_directory_in_french() {
    let verification = read(&root().join("sample_data"), None, u64::MAX).expect("verification");
    let actors = directory::actors(&verification);
    assert_eq!(actors.len(), 25);
    let csv = directory::render_csv(&actors).expect("csv");
    insta::assert_snapshot!(
        "annuaire_exemple_csv",
        String::from_utf8(csv).expect("utf-8")
    );
    let page = directory::render_html(&verification.network, &actors).expect("page");
    assert!(
        !page.contains("http://") && !page.contains("https://") && !page.contains(" src="),
        "no network access"
    );
    insta::assert_snapshot!("annuaire_exemple_html", page_text(&page));
}

/// Which entries of a dumped directory page are shown: the `<h2>` of each `<article>`
/// without the `hidden` attribute.
fn shown_structures(dom: &str) -> Vec<String> {
    dom.split("<article ")
        .skip(1)
        .filter(|article| {
            let tag = article.split('>').next().unwrap_or("");
            !tag.split_whitespace()
                .any(|attribute| attribute.starts_with("hidden"))
        })
        .filter_map(|article| {
            let start = article.find("<h2>")? + 4;
            let end = article[start..].find("</h2>")? + start;
            Some(
                article[start..end]
                    .replace("&#x27;", "'")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}

/// The directory's filters in a real browser: headless Chromium loads the page `annuaire`
/// wrote, with a few lines appended that choose a commune, a theme and a keyword as a user
/// would (setting the field and firing its event), and the DOM it dumps says which entries
/// are shown. `.ci/run` installs Debian's `chromium`; elsewhere the test says it was skipped.
#[test]
fn the_directory_filters_in_headless_chromium() {
    let chromium_present = std::process::Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !chromium_present {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is needed in CI: .ci/run installs it"
        );
        eprintln!("chromium not found: the_directory_filters_in_headless_chromium skipped");
        return;
    }
    let verification = read(&root().join("sample_data"), None, u64::MAX).expect("verification");
    let actors = directory::actors(&verification);
    let page = directory::render_html(&verification.network, &actors).expect("page");
    let work = tempfile::tempdir().expect("temporary folder");
    let run = |name: &str, actions: &str| -> Vec<String> {
        let path = work.path().join(format!("{name}.html"));
        let script = format!("<script>{actions}</script>\n</body>");
        std::fs::write(&path, page.replace("</body>", &script)).expect("page written");
        let output = std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
            ])
            .arg(format!(
                "--user-data-dir={}",
                work.path().join("profil").display()
            ))
            .args(["--virtual-time-budget=2000", "--dump-dom"])
            .arg(format!("file://{}", path.display()))
            .output()
            .expect("chromium runs");
        assert!(output.status.success(), "{output:?}");
        shown_structures(&String::from_utf8_lossy(&output.stdout))
    };
    let expected = |keep: &dyn Fn(&directory::Actor) -> bool| -> Vec<String> {
        actors
            .iter()
            .filter(|actor| keep(actor))
            .map(|actor| actor.structure.clone())
            .collect()
    };
    let choose = |id: &str, value: &str, event: &str| {
        format!("var f = document.getElementById('{id}'); f.value = '{value}'; f.dispatchEvent(new Event('{event}'));")
    };

    let everything = run("tout", "");
    assert_eq!(everything.len(), 25);
    assert_eq!(everything, expected(&|_| true));

    // La Chevallerais: its CCAS and the structures serving every commune or it.
    let la_chevallerais = run("commune", &choose("commune", "44221", "change"));
    assert_eq!(
        la_chevallerais,
        expected(&|actor| actor.commune_codes.split(' ').any(|code| code == "44221"))
    );
    assert!(la_chevallerais.contains(&"CCAS de La Chevallerais".to_string()));
    assert!(!la_chevallerais.contains(&"CCAS de Blain".to_string()));
    assert!(la_chevallerais.len() < 25);

    let mobility = run("theme", &choose("theme", "mobilite", "change"));
    assert_eq!(
        mobility,
        vec![
            "Atelier vélo solidaire".to_string(),
            "Transport solidaire du canton".to_string()
        ]
    );

    // Both filters together, then a keyword typed without its accent.
    let both = format!(
        "{} {}",
        choose("commune", "44221", "change"),
        choose("theme", "mobilite", "change")
    );
    assert_eq!(
        run("les-deux", &both),
        vec!["Transport solidaire du canton".to_string()]
    );
    let keyword = run("mot", &choose("texte", "epicerie", "input"));
    assert_eq!(
        keyword,
        vec!["Épicerie solidaire du Pays de Blain".to_string()]
    );
}

/// Each bad input of the two sheets is one located diagnostic, and its row is left out.
#[test]
fn bad_activity_and_directory_rows_are_located() {
    let folder = folder_with_copil(0, "Toutes");
    std::fs::write(
        folder.path().join("activite-2024.csv"),
        format!(
            "{HEADER}\n\
             2024;23/01/2024;COPIL;Budget;Toutes;6;7;0;0;Fonctionnement commun;\n\
             2024;13/02/2024;Atelier cuisine;Alimentation;Blain;1;4;2;0;Dynamique Inter-CCAS;\n\
             2024;14/03/2024;Groupe thématique;Mobilité;Blain, Bouvron;1;-3;2;0;Dynamique Inter-CCAS;\n\
             2024;15/03/2024;Groupe thématique;Logement;Blain, Savenay;1;4;2;0;Dynamique Inter-CCAS;\n\
             2024;03/04/2025;COPIL;Bilan;Toutes;6;7;0;0;Fonctionnement commun;\n\
             2024;16/05/2024;Groupe thématique;Accès aux droits;Blain;1;4;2;0;Dynamique Inter-CCAS;Rappeler Mme Durand au 07 81 22 33 44\n"
        ),
    )
    .expect("activite");
    std::fs::write(
        folder.path().join("acteurs.csv"),
        "Structure;Type de structure;Communes desservies;Thèmes;Public accueilli;Téléphone de la structure;Courriel de la structure;Horaires d'ouverture\n\
         Épicerie solidaire;Association;Blain, Bouvron;Alimentation;Familles;02 61 91 00 01;marie.durand@epicerie.exemple.fr;Mardi\n\
         Atelier vélo;Association;Blain, Nozay;Mobilité;Tout public;02 61 91 00 02;contact@velo.exemple.fr;Samedi\n\
         Transport solidaire;Association;Toutes;Mobilité;Personnes âgées;02 61 91 00 03;contact@transport.exemple.fr;Lundi\n",
    )
    .expect("acteurs");
    let verification = read(folder.path(), None, u64::MAX).expect("verification");
    let found: Vec<(String, String)> = verification
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .map(|diagnostic| {
            let file = Path::new(&diagnostic.location.file)
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            (
                diagnostic.code.to_string(),
                format!(
                    "{file} › {}",
                    diagnostic.location.cell.clone().unwrap_or_default()
                ),
            )
        })
        .collect();
    let expected = [
        ("E024", "acteurs.csv › C3"),
        ("E061", "acteurs.csv › G2"),
        ("E023", "activite-2024.csv › C3"),
        ("E025", "activite-2024.csv › G4"),
        ("E024", "activite-2024.csv › E5"),
        ("E060", "activite-2024.csv › B6"),
        ("E061", "activite-2024.csv › K7"),
    ];
    let mut found_sorted = found.clone();
    found_sorted.sort();
    let mut expected_sorted: Vec<(String, String)> = expected
        .iter()
        .map(|(code, place)| ((*code).to_string(), (*place).to_string()))
        .collect();
    expected_sorted.sort();
    assert_eq!(found_sorted, expected_sorted);
    let message = |code: &str| {
        verification
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.code.as_str() == code)
            .map(|diagnostic| diagnostic.message.clone())
            .collect::<Vec<_>>()
    };
    assert!(message("E024").contains(&"« Savenay » n'est pas une commune du réseau".to_string()));
    assert!(message("E061")
        .iter()
        .any(|text| text.starts_with("la cellule contient un numéro de portable")));
    // The personal contact is never repeated: not in the message, not as the value read.
    for diagnostic in verification
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code.as_str() == "E061")
    {
        assert_eq!(diagnostic.value, None, "{diagnostic:?}");
        assert!(
            !format!("{diagnostic:?}").contains("81 22 33 44"),
            "{diagnostic:?}"
        );
    }
    // Only the good rows are counted: one COPIL, and the third actor alone in the directory.
    let evaluation = evaluate(folder.path(), &verification, 2024);
    assert_eq!(evaluation.copil.len(), 1);
    assert_eq!(evaluation.actions.len(), 0);
    assert_eq!(evaluation.activity_rows_rejected, 5);
    let actors = directory::actors(&verification);
    assert_eq!(actors.len(), 1);
    assert_eq!(actors[0].communes.len(), 6);
}
