//! `verifier`: read every file given (folders recursively), check it, and count every row.
//!
//! This is the first stage of every command: the report and the cost-sharing use the
//! accepted rows of a [`Verification`].

use crate::check::{check_across_files, CheckedSheet, Checker, SheetOutcome};
use crate::diagnostic::{Code, Diagnostic, Location, Severity};
use crate::network::{parse_network_shown_as, Network};
use crate::read::{read_bounded, read_file_within, SourceFormat};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use crate::network::NETWORK_FILE;

/// A folder of raw, non-anonymised files kept by a CCAS for `anonymiser`: never read by
/// the other commands (a file given by name is still checked, and its names flagged).
pub const RAW_FOLDER: &str = "brut";

/// A folder of annotated copies written back to the CCAS (`verifier --retours`): never
/// read as received files.
pub const FEEDBACK_FOLDER: &str = "retours";

/// Errors that stop the tool from doing its job at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("le chemin « {0} » n'existe pas")]
    PathNotFound(String),
    #[error("le dossier « {path} » ne peut pas être lu ({cause})")]
    FolderUnreadable { path: String, cause: String },
    #[error("erreur interne : {0}")]
    Internal(String),
}

/// Options of a verification.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// `--reseau FICHIER`: the network file to use instead of looking in the folders.
    pub network_file: Option<PathBuf>,
    /// `--taille-max`: a file larger than this many bytes is refused before it is read.
    pub max_input_bytes: u64,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            network_file: None,
            max_input_bytes: crate::read::DEFAULT_MAX_INPUT_BYTES,
        }
    }
}

/// The counts of one sheet.
#[derive(Debug, Clone, Serialize)]
pub struct SheetSummary {
    /// `None` for a csv file.
    pub feuille: Option<String>,
    /// The schema the sheet follows; `None` when the sheet was skipped.
    pub modele: Option<String>,
    pub lignes_lues: usize,
    pub lignes_acceptees: usize,
    pub lignes_rejetees: usize,
    /// Total rows excluded (not data).
    pub lignes_de_total: usize,
    /// Skipped on purpose (no header matched any schema).
    pub ignoree: bool,
    /// Could not be read (too large, damaged): its diagnostic says why.
    pub illisible: bool,
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub fichier: String,
    /// Where the file is on disk (the feedback copies read it again).
    #[serde(skip)]
    pub chemin: PathBuf,
    pub format: Option<SourceFormat>,
    /// False when the file could not be read at all.
    pub lu: bool,
    pub feuilles: Vec<SheetSummary>,
}

/// Everything a verification found.
#[derive(Debug)]
pub struct Verification {
    pub files: Vec<FileSummary>,
    pub diagnostics: Vec<Diagnostic>,
    /// The sheets that follow a schema, with their typed rows (rejected ones flagged).
    pub sheets: Vec<CheckedSheet>,
    pub network: Network,
    /// Where the network came from (`None`: the built-in default).
    pub network_source: Option<String>,
    /// The text of that `reseau.toml`, as read once for the whole run (commands that
    /// locate their own problems in it by line, like `repartition`, read it here).
    pub network_text: Option<String>,
}

/// The exit code families of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No error (warnings allowed).
    Clean,
    /// The data has problems.
    DataProblems,
    /// The tool could not do its job.
    ToolFailure,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::DataProblems => 1,
            Outcome::ToolFailure => 2,
        }
    }
}

impl Verification {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity == severity)
            .count()
    }

    pub fn rows_read(&self) -> usize {
        self.files
            .iter()
            .flat_map(|file| &file.feuilles)
            .map(|sheet| sheet.lignes_lues)
            .sum()
    }

    pub fn rows_accepted(&self) -> usize {
        self.files
            .iter()
            .flat_map(|file| &file.feuilles)
            .map(|sheet| sheet.lignes_acceptees)
            .sum()
    }

    pub fn rows_rejected(&self) -> usize {
        self.files
            .iter()
            .flat_map(|file| &file.feuilles)
            .map(|sheet| sheet.lignes_rejetees)
            .sum()
    }

    pub fn outcome(&self) -> Outcome {
        if self
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code == Code::E007)
        {
            Outcome::ToolFailure
        } else if self.count(Severity::Error) > 0 {
            Outcome::DataProblems
        } else {
            Outcome::Clean
        }
    }
}

/// One file to read, with the name shown to the user.
#[derive(Debug, Clone)]
struct Candidate {
    path: PathBuf,
    shown: String,
}

fn shown_path(root: &str, relative: &Path) -> String {
    let parts: Vec<String> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    let root = root.trim_end_matches(['/', '\\']);
    if root.is_empty() || root == "." {
        parts.join("/")
    } else {
        format!("{root}/{}", parts.join("/"))
    }
}

fn is_lock_file(name: &str) -> bool {
    name.starts_with("~$") || (name.starts_with(".~lock.") && name.ends_with('#'))
}

/// Folders more than this many levels below a folder given are not read (with a warning):
/// a folder of a CCAS is never that deep, and a bound keeps a strange share finite.
pub const MAX_FOLDER_DEPTH: usize = 16;

/// The identity of a file or folder on its disk, to read each one once whatever the path
/// (a symbolic link, a hard link). `None` where the system does not give one.
fn identity(metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        None
    }
}

/// Lists the regular files of a folder, recursively, in a stable order (by name, a folder's
/// content right after it). Symbolic links are followed to a regular file or to a folder
/// not yet visited (`walkdir` detects a link back to a folder being walked; the identity of
/// the others is remembered), so a link to the folder itself or a parent cannot make the
/// walk endless; named pipes, sockets and devices are never opened.
fn walk(
    root: &Path,
    shown_root: &str,
    found: &mut Vec<Candidate>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), ToolError> {
    let shown = |path: &Path| match path.strip_prefix(root) {
        Ok(relative) if relative.as_os_str().is_empty() => shown_root.to_string(),
        Ok(relative) => shown_path(shown_root, relative),
        Err(_) => path.display().to_string(),
    };
    let mut seen: std::collections::HashMap<(u64, u64), String> = std::collections::HashMap::new();
    // Files listed through a symbolic link, by identity, with their place in `found`.
    let mut linked_files: std::collections::HashMap<(u64, u64), usize> =
        std::collections::HashMap::new();
    if let Some(root_identity) = std::fs::metadata(root).ok().as_ref().and_then(identity) {
        seen.insert(root_identity, shown_root.to_string());
    }
    let mut entries = walkdir::WalkDir::new(root)
        .follow_links(true)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                if let Some(ancestor) = error.loop_ancestor() {
                    diagnostics.push(
                        Diagnostic::new(Code::N006, Location::file(shown(&path)), format!("lien symbolique ignoré : il mène au dossier « {} », qui le contient (une boucle)", shown(ancestor)))
                            .hint("le contenu de ce dossier est déjà lu ; supprimez le lien si vous ne l'avez pas créé exprès"),
                    );
                    continue;
                }
                let is_link = std::fs::symlink_metadata(&path)
                    .map(|metadata| metadata.file_type().is_symlink())
                    .unwrap_or(false);
                if is_link && error.depth() > 0 {
                    // A broken link: read_file says where it points.
                    found.push(Candidate {
                        shown: shown(&path),
                        path,
                    });
                    continue;
                }
                return Err(ToolError::FolderUnreadable {
                    path: shown(&path),
                    cause: error
                        .io_error()
                        .map(crate::output::io_error_in_french)
                        .unwrap_or_else(|| "erreur de lecture".to_string()),
                });
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path().to_path_buf();
        let is_folder = entry.file_type().is_dir();
        if is_lock_file(&name) {
            diagnostics.push(
                Diagnostic::new(Code::N004, Location::file(shown(&path)), "fichier de verrouillage ignoré : le classeur correspondant est sans doute ouvert dans un tableur")
                    .hint("fermez le classeur avant de lancer la vérification"),
            );
            continue;
        }
        if name.starts_with('.') {
            if is_folder {
                entries.skip_current_dir();
            }
            continue;
        }
        if is_folder && name.eq_ignore_ascii_case(RAW_FOLDER) {
            diagnostics.push(
                Diagnostic::new(Code::N004, Location::file(shown(&path)), "dossier « brut » ignoré : il contient des fichiers non anonymisés, qui ne quittent pas le CCAS")
                    .hint("n'envoyez que les fichiers produits par « observatoire anonymiser »"),
            );
            entries.skip_current_dir();
            continue;
        }
        if is_folder && name.eq_ignore_ascii_case(FEEDBACK_FOLDER) {
            diagnostics.push(
                Diagnostic::new(Code::N004, Location::file(shown(&path)), "dossier « retours » ignoré : il contient les copies annotées renvoyées aux CCAS, pas des fichiers reçus")
                    .hint("placez les fichiers corrigés reçus des CCAS hors de ce dossier"),
            );
            entries.skip_current_dir();
            continue;
        }
        let metadata = entry.metadata().ok();
        let key = metadata.as_ref().and_then(identity);
        if let Some(key) = key {
            if let Some(first) = seen.get(&key) {
                let (kept, dropped) = match linked_files.get(&key) {
                    // The file itself is kept rather than a link to it met first.
                    Some(position) if !is_folder && !entry.path_is_symlink() => {
                        let link = std::mem::replace(
                            &mut found[*position],
                            Candidate {
                                shown: shown(&path),
                                path: path.clone(),
                            },
                        );
                        linked_files.remove(&key);
                        seen.insert(key, shown(&path));
                        (shown(&path), link.shown)
                    }
                    _ => (first.clone(), shown(&path)),
                };
                diagnostics.push(
                    Diagnostic::new(Code::N006, Location::file(&dropped), format!("{} ignoré : c'est « {kept} », déjà lu par un autre chemin (lien symbolique ou lien physique)", if is_folder { "dossier" } else { "fichier" }))
                        .hint("chaque fichier n'est compté qu'une fois ; supprimez le lien si vous ne l'avez pas créé exprès"),
                );
                if is_folder {
                    entries.skip_current_dir();
                }
                continue;
            }
            seen.insert(key, shown(&path));
        }
        if is_folder {
            if entry.depth() > MAX_FOLDER_DEPTH {
                diagnostics.push(
                    Diagnostic::new(Code::W006, Location::file(shown(&path)), format!("dossier non lu : il est à plus de {MAX_FOLDER_DEPTH} niveaux de sous-dossiers sous « {shown_root} »"))
                        .hint("rangez les fichiers des CCAS moins profondément (un sous-dossier par commune suffit)"),
                );
                entries.skip_current_dir();
            }
            continue;
        }
        if let Some(kind) = metadata.as_ref().and_then(crate::read::special_kind) {
            diagnostics.push(
                Diagnostic::new(
                    Code::N004,
                    Location::file(shown(&path)),
                    format!("ignoré : ce n'est pas un fichier ordinaire, c'est {kind}"),
                )
                .hint("seuls les fichiers de tableur (xlsx, xlsm, xls, ods, csv, txt) sont lus"),
            );
            continue;
        }
        if entry.depth() == 1 && name == NETWORK_FILE {
            continue;
        }
        let extension = Path::new(&name)
            .extension()
            .and_then(|extension| extension.to_str())
            .unwrap_or_default();
        if SourceFormat::from_extension(extension).is_some() {
            if let (Some(key), true) = (key, entry.path_is_symlink()) {
                linked_files.insert(key, found.len());
            }
            found.push(Candidate {
                shown: shown(&path),
                path,
            });
        } else {
            diagnostics.push(Diagnostic::new(
                Code::N004,
                Location::file(shown(&path)),
                "fichier ignoré : ce n'est pas un tableur (xlsx, xlsm, xls, ods ou csv)",
            ));
        }
    }
    Ok(())
}

fn load_network(
    path: &Path,
    shown: &str,
    limit: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Network, String)> {
    let text = match read_bounded(path, limit) {
        Ok(bytes) => crate::read::decode_text(&bytes),
        Err(problem) => {
            diagnostics.push(crate::read::bytes_problem(Location::file(shown), problem));
            return None;
        }
    };
    match parse_network_shown_as(&text, shown) {
        Ok(network) => Some((network, text)),
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    }
}

/// Reads and checks every file under `paths`.
pub fn verify(paths: &[PathBuf], options: &VerifyOptions) -> Result<Verification, ToolError> {
    let schemas =
        crate::schema::schemas().map_err(|error| ToolError::Internal(error.to_string()))?;
    let mut diagnostics = Vec::new();
    let mut candidates = Vec::new();
    let mut network_file: Option<(PathBuf, String)> = options
        .network_file
        .as_ref()
        .map(|path| (path.clone(), path.to_string_lossy().into_owned()));
    if let Some((path, shown)) = &network_file {
        if !path.is_file() {
            return Err(ToolError::PathNotFound(shown.clone()));
        }
    }
    for path in paths {
        let shown = path.to_string_lossy().into_owned();
        if path.is_dir() {
            if network_file.is_none() && path.join(NETWORK_FILE).is_file() {
                network_file = Some((
                    path.join(NETWORK_FILE),
                    shown_path(&shown, Path::new(NETWORK_FILE)),
                ));
            }
            walk(path, &shown, &mut candidates, &mut diagnostics)?;
        } else if path.exists() || std::fs::symlink_metadata(path).is_ok() {
            candidates.push(Candidate {
                path: path.clone(),
                shown,
            });
        } else {
            return Err(ToolError::PathNotFound(shown));
        }
    }
    let (network, network_source, network_text) = match &network_file {
        Some((path, shown)) => {
            match load_network(path, shown, options.max_input_bytes, &mut diagnostics) {
                Some((network, text)) => (network, Some(shown.clone()), Some(text)),
                None => {
                    diagnostics.push(
                    Diagnostic::new(Code::N003, Location::file(shown), "reseau.toml est invalide : les autres fichiers sont vérifiés avec le réseau par défaut (les six communes de la convention)")
                        .hint("corrigez reseau.toml (voir les erreurs E040), puis relancez la vérification"),
                );
                    (Network::default_network(), None, None)
                }
            }
        }
        None => {
            diagnostics.push(
                Diagnostic::new(Code::N003, Location::file(paths.first().map(|path| path.to_string_lossy().into_owned()).unwrap_or_default()), "pas de fichier reseau.toml : le réseau par défaut (les six communes de la convention) est utilisé")
                    .hint("placez reseau.toml à la racine du dossier, ou indiquez-le avec --reseau FICHIER"),
            );
            (Network::default_network(), None, None)
        }
    };
    let checker = Checker::new(schemas, &network);
    let mut files = Vec::new();
    let mut sheets = Vec::new();
    for candidate in &candidates {
        let workbook =
            match read_file_within(&candidate.path, &candidate.shown, options.max_input_bytes) {
                Ok(workbook) => workbook,
                Err(problem) => {
                    diagnostics.push(problem);
                    files.push(FileSummary {
                        fichier: candidate.shown.clone(),
                        chemin: candidate.path.clone(),
                        format: None,
                        lu: false,
                        feuilles: Vec::new(),
                    });
                    continue;
                }
            };
        let mut summary = FileSummary {
            fichier: candidate.shown.clone(),
            chemin: candidate.path.clone(),
            format: Some(workbook.format),
            lu: true,
            feuilles: Vec::new(),
        };
        for problem in &workbook.problems {
            if let Some(sheet) = &problem.location.sheet {
                summary.feuilles.push(SheetSummary {
                    feuille: Some(sheet.clone()),
                    modele: None,
                    lignes_lues: 0,
                    lignes_acceptees: 0,
                    lignes_rejetees: 0,
                    lignes_de_total: 0,
                    ignoree: false,
                    illisible: true,
                });
            }
        }
        diagnostics.extend(workbook.problems.iter().cloned());
        for sheet in &workbook.sheets {
            match checker.check_sheet(&candidate.shown, sheet, &mut diagnostics) {
                SheetOutcome::Checked(checked) => sheets.push(*checked),
                SheetOutcome::Skipped => summary.feuilles.push(SheetSummary {
                    feuille: sheet.name.clone(),
                    modele: None,
                    lignes_lues: 0,
                    lignes_acceptees: 0,
                    lignes_rejetees: 0,
                    lignes_de_total: 0,
                    ignoree: true,
                    illisible: false,
                }),
            }
        }
        let data_sheets = sheets
            .iter()
            .filter(|sheet| sheet.file == candidate.shown)
            .count();
        if data_sheets == 0 && workbook.problems.is_empty() {
            diagnostics.push(
                Diagnostic::new(Code::W005, Location::file(&candidate.shown), "aucune donnée n'a été lue dans ce fichier : aucune feuille ne suit un modèle")
                    .hint("vérifiez qu'il s'agit du bon fichier, et que ses en-têtes sont ceux du modèle (observatoire modeles)"),
            );
        }
        files.push(summary);
    }
    check_across_files(&mut sheets, &mut diagnostics);
    for sheet in &sheets {
        if let Some(file) = files.iter_mut().find(|file| file.fichier == sheet.file) {
            let read = sheet.rows_read();
            let accepted = sheet.rows_accepted();
            file.feuilles.push(SheetSummary {
                feuille: sheet.sheet.clone(),
                modele: Some(sheet.schema.name.clone()),
                lignes_lues: read,
                lignes_acceptees: accepted,
                lignes_rejetees: read - accepted,
                lignes_de_total: sheet.total_rows,
                ignoree: false,
                illisible: false,
            });
        }
    }
    Ok(Verification {
        files,
        diagnostics,
        sheets,
        network,
        network_source,
        network_text,
    })
}
