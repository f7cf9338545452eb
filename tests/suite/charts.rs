//! Charts drawn with plotters: the SVG parses and carries its title and text alternative,
//! its text asks for the embedded DejaVu Sans, a hidden value draws no bar and no point
//! but shows « s », stacked bars add up, a hidden year breaks a line, and two renders are
//! the same bytes. The committed example is checked too (kept up to date by
//! tests/suite/rapport.rs).

use observatoire::report::charts::{Chart, Series, Shape, HEIGHT, PALETTE, WIDTH};
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::path::Path;

/// One element of a parsed SVG: its name, attributes and text.
#[derive(Debug)]
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
    text: String,
}

impl Element {
    fn number(&self, attribute: &str) -> f64 {
        self.attributes
            .get(attribute)
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("{attribute} in {self:?}"))
    }

    fn fill(&self) -> Option<&str> {
        self.attributes.get("fill").map(String::as_str)
    }
}

/// Every element of an SVG, failing the test when it is not well-formed XML.
fn parse(svg: &str) -> Vec<Element> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|error| panic!("SVG illisible ({error}) :\n{svg}"));
        match &event {
            Event::Start(element) | Event::Empty(element) => {
                let attributes = element
                    .attributes()
                    .map(|attribute| {
                        let attribute = attribute.expect("attribute");
                        (
                            attribute.key.as_ref().to_string(),
                            attribute
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .expect("value")
                                .to_string(),
                        )
                    })
                    .collect();
                elements.push(Element {
                    name: element.name().as_ref().to_string(),
                    attributes,
                    text: String::new(),
                });
                if matches!(event, Event::Start(_)) {
                    open.push(elements.len() - 1);
                }
            }
            Event::End(_) => {
                let index = open.pop().expect("balanced tags");
                elements[index].text = elements[index].text.trim().to_string();
            }
            Event::Text(text) => {
                if let Some(&index) = open.last() {
                    let text: &str = text.as_ref();
                    elements[index].text.push_str(text);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(&index) = open.last() {
                    let name: &str = reference.as_ref();
                    let character = match name {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("entité inattendue {other}"),
                    };
                    elements[index].text.push(character);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(open.is_empty(), "unclosed tags");
    elements
}

fn texts(elements: &[Element]) -> Vec<&str> {
    elements
        .iter()
        .filter(|element| element.name == "text")
        .map(|element| element.text.as_str())
        .collect()
}

/// The bars of a chart: rectangles in a series colour below the legend row.
fn bars<'a>(elements: &'a [Element], colour: &str) -> Vec<&'a Element> {
    elements
        .iter()
        .filter(|element| element.name == "rect" && element.fill() == Some(colour))
        .filter(|element| element.number("y") > 170.0)
        .collect()
}

/// Checks the accessible frame every chart has, and returns its elements.
fn check_frame(chart: &Chart, svg: &str) -> Vec<Element> {
    let elements = parse(svg);
    let root = &elements[0];
    assert_eq!(root.name, "svg");
    assert_eq!(root.attributes["role"], "img");
    assert_eq!(
        root.attributes["aria-labelledby"],
        format!("{id}-titre {id}-desc", id = chart.id)
    );
    assert_eq!(root.attributes["viewBox"], format!("0 0 {WIDTH} {HEIGHT}"));
    let title = elements
        .iter()
        .find(|element| element.name == "title")
        .expect("title");
    assert_eq!(title.attributes["id"], format!("{}-titre", chart.id));
    assert!(title.text.starts_with(&chart.title), "{}", title.text);
    let description = elements
        .iter()
        .find(|element| element.name == "desc")
        .expect("desc");
    assert_eq!(description.attributes["id"], format!("{}-desc", chart.id));
    assert_eq!(description.text, chart.description);
    for element in elements.iter().filter(|element| element.name == "text") {
        assert!(
            element.attributes["font-family"].starts_with("DejaVu Sans"),
            "{element:?}"
        );
    }
    let drawn = texts(&elements);
    assert!(drawn.contains(&chart.title.as_str()), "{drawn:?}");
    assert!(drawn.contains(&chart.source.as_str()), "{drawn:?}");
    elements
}

fn series(name: &str, values: &[Option<f64>]) -> Series {
    Series {
        name: name.to_string(),
        values: values.to_vec(),
        labels: values
            .iter()
            .map(|value| value.map_or_else(|| "s".to_string(), |value| format!("{value}")))
            .collect(),
    }
}

fn chart(shape: Shape, categories: &[&str], series: Vec<Series>) -> Chart {
    Chart {
        id: "essai".to_string(),
        title: "Demandes selon la décision – réseau, 2024".to_string(),
        description: "Un graphique d'essai & ses « valeurs ».".to_string(),
        source: "Source : réseau d'essai – traitement observatoire".to_string(),
        shape,
        categories: categories
            .iter()
            .map(|category| category.to_string())
            .collect(),
        series,
        table_id: "essai".to_string(),
        banner: None,
    }
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("PNG");
    let info = reader.info();
    (info.width, info.height)
}

#[test]
fn a_hidden_bar_is_not_drawn_and_shows_s() {
    let categories = ["Accordée", "Refusée", "En cours"];
    let shown = chart(
        Shape::Bars,
        &categories,
        vec![series("Demandes", &[Some(120.0), Some(4.0), Some(30.0)])],
    );
    let hidden = chart(
        Shape::Bars,
        &categories,
        vec![series("Demandes", &[Some(120.0), None, Some(30.0)])],
    );
    let shown_elements = check_frame(&shown, &shown.svg_file().expect("svg"));
    let hidden_elements = check_frame(&hidden, &hidden.svg_file().expect("svg"));
    assert_eq!(bars(&shown_elements, PALETTE[0]).len(), 3);
    assert_eq!(bars(&hidden_elements, PALETTE[0]).len(), 2);
    assert!(!texts(&shown_elements).contains(&"s"));
    assert!(texts(&hidden_elements).contains(&"s"));
    // The page embeds the same document as the file.
    assert_eq!(hidden.svg(), hidden.svg_file().expect("svg"));
}

#[test]
fn two_series_of_bars_side_by_side_for_the_age_profile() {
    let profile = chart(
        Shape::Bars,
        &["Moins de 30 ans", "30-44 ans", "75 ans et plus"],
        vec![
            series("Demandeurs (%)", &[Some(23.4), Some(32.7), None]),
            series("Population 2021 (%)", &[Some(19.4), Some(23.0), Some(12.1)]),
        ],
    );
    let elements = check_frame(&profile, &profile.svg_file().expect("svg"));
    let requesters = bars(&elements, PALETTE[0]);
    let population = bars(&elements, PALETTE[1]);
    assert_eq!((requesters.len(), population.len()), (2, 3));
    // In each band the requesters' bar is above the population's, and neither overlaps.
    for (requester, resident) in requesters.iter().zip(&population) {
        assert!(requester.number("y") + requester.number("height") <= resident.number("y"));
    }
    // A longer value, a longer bar.
    assert!(requesters[1].number("width") > requesters[0].number("width"));
    let drawn = texts(&elements);
    for name in ["Demandeurs (%)", "Population 2021 (%)", "s", "32.7"] {
        assert!(drawn.contains(&name), "{name} in {drawn:?}");
    }
}

#[test]
fn stacked_bars_add_up_and_leave_a_hidden_part_out() {
    let stacked = chart(
        Shape::StackedBars,
        &["Commune A", "Commune B"],
        vec![
            series("Accordées", &[Some(30.0), Some(5.0)]),
            series("Refusées", &[Some(20.0), None]),
            series("En cours", &[Some(10.0), Some(5.0)]),
        ],
    );
    let elements = check_frame(&stacked, &stacked.svg_file().expect("svg"));
    let segments: Vec<Vec<&Element>> = PALETTE[..3]
        .iter()
        .map(|colour| bars(&elements, colour))
        .collect();
    assert_eq!(
        segments.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![2, 1, 2]
    );
    let width_of_row = |y: f64| -> f64 {
        segments
            .iter()
            .flatten()
            .filter(|segment| (segment.number("y") - y).abs() < 0.5)
            .map(|segment| segment.number("width"))
            .sum()
    };
    let (first, second) = (segments[0][0].number("y"), segments[0][1].number("y"));
    // 60 against 10 shown: the bars' lengths are in that ratio, to a pixel per segment.
    let ratio = width_of_row(first) / width_of_row(second);
    assert!((ratio - 6.0).abs() < 0.2, "{ratio}");
    // The segments follow each other without gap or overlap.
    let a: Vec<&&Element> = segments.iter().map(|column| &column[0]).collect();
    for pair in a.windows(2) {
        let end = pair[0].number("x") + pair[0].number("width");
        assert!((pair[1].number("x") - end).abs() <= 1.0, "{pair:?}");
    }
    assert!(texts(&elements).contains(&"Refusées : s"));
    let drawn = texts(&elements);
    for name in ["Accordées", "Refusées", "En cours"] {
        assert!(drawn.contains(&name), "{name} in {drawn:?}");
    }
}

#[test]
fn a_hidden_year_breaks_the_line_and_draws_no_point() {
    let lines = chart(
        Shape::Lines,
        &["2020", "2021", "2022", "2023", "2024"],
        vec![
            series(
                "Commune",
                &[Some(12.0), Some(14.0), None, Some(15.0), Some(16.0)],
            ),
            series(
                "Réseau",
                &[Some(20.0), Some(21.0), Some(22.0), Some(21.0), Some(23.0)],
            ),
        ],
    );
    let elements = check_frame(&lines, &lines.svg_file().expect("svg"));
    let of = |name: &str, colour: &str| {
        elements
            .iter()
            .filter(|element| {
                element.name == name
                    && (element.fill() == Some(colour)
                        || element.attributes.get("stroke").map(String::as_str) == Some(colour))
            })
            .count()
    };
    assert_eq!(of("circle", PALETTE[0]), 4);
    assert_eq!(of("circle", PALETTE[1]), 5);
    assert_eq!(of("polyline", PALETTE[0]), 2);
    assert_eq!(of("polyline", PALETTE[1]), 1);
    assert!(texts(&elements).contains(&"Commune : s"));
}

#[test]
fn two_renders_are_the_same_bytes_and_the_png_is_full_hd() {
    for shape in [Shape::Bars, Shape::StackedBars, Shape::Lines] {
        let mut drawn = chart(
            shape,
            &["2023", "2024"],
            vec![
                series("Accordées", &[Some(3.0), None]),
                series("Refusées", &[Some(1.5), Some(2.0)]),
            ],
        );
        drawn.banner = Some("Document interne — ne pas diffuser".to_string());
        let svg = drawn.svg_file().expect("svg");
        assert_eq!(svg, drawn.svg_file().expect("svg"), "{shape:?}");
        let elements = check_frame(&drawn, &svg);
        assert!(texts(&elements).contains(&"Document interne — ne pas diffuser"));
        let png = drawn.png().expect("png");
        assert_eq!(png, drawn.png().expect("png"), "{shape:?}");
        assert_eq!(png_size(&png), (WIDTH, HEIGHT));
        assert_eq!((WIDTH, HEIGHT), (1920, 1080));
    }
}

#[test]
fn the_committed_charts_parse_and_carry_their_text_alternative() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/exemple/graphiques");
    let mut svgs = 0;
    for entry in std::fs::read_dir(folder).expect("graphiques") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|extension| extension.to_str()) != Some("svg") {
            continue;
        }
        svgs += 1;
        let svg = std::fs::read_to_string(&path).expect("svg");
        let elements = parse(&svg);
        assert_eq!(elements[0].attributes["role"], "img", "{}", path.display());
        for name in ["title", "desc"] {
            assert!(
                elements
                    .iter()
                    .any(|element| element.name == name && !element.text.is_empty()),
                "{}: no {name}",
                path.display()
            );
        }
        assert!(
            elements.iter().any(|element| element.name == "text"
                && element.attributes["font-family"].starts_with("DejaVu Sans")),
            "{}",
            path.display()
        );
        let png = std::fs::read(path.with_extension("png")).expect("a PNG beside the SVG");
        assert_eq!(png_size(&png), (WIDTH, HEIGHT), "{}", path.display());
    }
    assert!(svgs >= 6, "{svgs} charts");
}
