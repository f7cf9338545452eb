//! The network's secret key for household pseudonyms: 32 bytes from the operating
//! system's generator, stored as 64 hexadecimal characters in a file only its owner can
//! read. Whoever holds the key can test a guessed identity against a pseudonym, so the key
//! stays with the CCAS and is never printed.

use std::io::Write;
use std::path::Path;

/// Length of the key in bytes.
pub const KEY_BYTES: usize = 32;

/// The secret key. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; KEY_BYTES]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    /// A key from its bytes (for tests and for reading a key file).
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Self {
        SecretKey(bytes)
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Why a key could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("le fichier « {0} » existe déjà : une clé n'est jamais écrasée (les pseudonymes déjà produits en dépendent) ; choisissez un autre nom ou supprimez l'ancien fichier vous-même")]
    AlreadyExists(String),
    #[error("le générateur aléatoire du système est indisponible ({0})")]
    Random(String),
    #[error("écriture de la clé « {path} » impossible ({})", crate::output::io_error_in_french(.cause))]
    Write { path: String, cause: std::io::Error },
    #[error("lecture de la clé « {path} » impossible ({})", crate::output::io_error_in_french(.cause))]
    Read { path: String, cause: std::io::Error },
    #[error("« {0} » n'est pas une clé produite par « observatoire cle » (64 caractères hexadécimaux attendus)")]
    Malformed(String),
}

/// Makes a new key and writes it to `path`, readable by its owner only (0600 on unix).
/// An existing file is never overwritten.
pub fn create_key_file(path: &Path) -> Result<(), KeyError> {
    let shown = path.display().to_string();
    let mut bytes = [0u8; KEY_BYTES];
    getrandom::fill(&mut bytes).map_err(|error| KeyError::Random(error.to_string()))?;
    let text = format!("{}\n", data_encoding::HEXLOWER.encode(&bytes));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|cause| {
        if cause.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::AlreadyExists(shown.clone())
        } else {
            KeyError::Write {
                path: shown.clone(),
                cause,
            }
        }
    })?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(cause) = written {
        // A half-written key must not be mistaken for a good one later.
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(KeyError::Write { path: shown, cause });
    }
    Ok(())
}

/// Reads a key file written by [`create_key_file`] (64 hexadecimal characters; spaces and
/// line ends around them are ignored).
pub fn read_key_file(path: &Path) -> Result<SecretKey, KeyError> {
    let shown = path.display().to_string();
    // A key file is 65 bytes: anything much larger (or a pipe, a device) is not one.
    let bytes = crate::read::read_bounded(path, 4096).map_err(|problem| match problem {
        crate::read::BytesError::Io(cause) | crate::read::BytesError::BrokenLink { cause, .. } => {
            KeyError::Read {
                path: shown.clone(),
                cause,
            }
        }
        crate::read::BytesError::TooLarge { .. } | crate::read::BytesError::NotRegular(_) => {
            KeyError::Malformed(shown.clone())
        }
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let decoded = data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.trim().as_bytes())
        .map_err(|_| KeyError::Malformed(shown.clone()))?;
    let key: [u8; KEY_BYTES] = decoded.try_into().map_err(|_| KeyError::Malformed(shown))?;
    Ok(SecretKey(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_read_back_and_private() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("cle-reseau.txt");
        create_key_file(&path).expect("key written");
        let key = read_key_file(&path).expect("key read");
        assert_eq!(format!("{key:?}"), "SecretKey(…)");
        assert!(matches!(
            create_key_file(&path),
            Err(KeyError::AlreadyExists(_))
        ));
        assert_eq!(read_key_file(&path).expect("still the same key"), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = folder.path().join("autre.txt");
        create_key_file(&other).expect("second key");
        assert_ne!(read_key_file(&other).expect("read"), key, "keys are random");
    }

    #[test]
    fn a_malformed_key_is_refused() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("cle.txt");
        std::fs::write(&path, "abcd\n").expect("written");
        assert!(matches!(read_key_file(&path), Err(KeyError::Malformed(_))));
    }
}
