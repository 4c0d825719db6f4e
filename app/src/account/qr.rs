//! A QR code as inline SVG, for the enrolment page's `otpauth://` URI: built by nayuki's
//! `qrcodegen`, drawn here as one path of dark modules on a white square.

use qrcodegen::{QrCode, QrCodeEcc};

/// Modules of light margin around the code, as the standard asks (ISO/IEC 18004 §6.3.8).
const QUIET_ZONE: i32 = 4;

/// The QR code of `text` (medium error correction) as an `<svg>` element: a `viewBox` in
/// modules, a white background, one `<path>` of the dark modules, `crispEdges`, colours as
/// presentation attributes (no `<style>`, so the page's CSP is untouched). The view adds the
/// `role` and the label. `None` when the text does not fit in a QR code (about 2,300 bytes).
pub fn svg(text: &str) -> Option<String> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = qr.size() + 2 * QUIET_ZONE;
    let mut d = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                d.push_str(&format!("M{},{}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE));
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{d}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(svg: &str) -> usize {
        let at = svg.find("viewBox=\"0 0 ").unwrap() + "viewBox=\"0 0 ".len();
        svg[at..].split(' ').next().unwrap().parse().unwrap()
    }

    #[test]
    fn the_svg_is_one_path_in_a_view_box() {
        let s =
            svg("otpauth://totp/Campaign:sokha?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        assert!(
            s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "),
            "{s}"
        );
        assert!(s.ends_with("\"/></svg>"));
        assert_eq!(s.matches("<path").count(), 1);
        assert_eq!(s.matches("<svg").count(), 1);
        assert!(!s.contains("<style"));
        assert!(s.contains("shape-rendering=\"crispEdges\""));
        // Nothing of the text itself is in the markup.
        assert!(!s.contains("otpauth"));
        // Every module is drawn inside the quiet zone.
        let n = side(&s) as i32;
        for part in s.split('M').skip(1) {
            let xy = part.split('h').next().unwrap();
            let (x, y) = xy.split_once(',').unwrap();
            let (x, y): (i32, i32) = (x.parse().unwrap(), y.parse().unwrap());
            assert!((QUIET_ZONE..n - QUIET_ZONE).contains(&x), "{x}");
            assert!((QUIET_ZONE..n - QUIET_ZONE).contains(&y), "{y}");
        }
    }

    #[test]
    fn the_code_grows_with_the_text() {
        // Version 1 is 21 modules, plus the quiet zone on both sides.
        assert_eq!(side(&svg("a").unwrap()), 21 + 8);
        let sizes: Vec<usize> = [10, 100, 300, 1000]
            .iter()
            .map(|n| side(&svg(&"x".repeat(*n)).unwrap()))
            .collect();
        assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
        assert_eq!(svg(&"x".repeat(10_000)), None);
        assert!(svg("").is_some());
        assert!(svg("ស្ត្រី").is_some());
    }
}
