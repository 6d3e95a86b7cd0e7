//! The plot: throughput against threads, one line per design, one panel per account count.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::report::{FLOOR, Report};

/// Font the plot's text is drawn with, unless `ACCOUNT_EVENTS_BENCH_FONT` names another TTF file.
const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

const COLORS: [RGBColor; 6] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
];

/// Loads the font that plotters draws text with. Returns an error naming the file if it is
/// missing or invalid.
pub fn load_font() -> Result<(), String> {
    let path = std::env::var("ACCOUNT_EVENTS_BENCH_FONT").unwrap_or_else(|_| DEFAULT_FONT.into());
    let bytes = std::fs::read(&path).map_err(|err| {
        format!(
            "cannot read the plot font {path}: {err}; set ACCOUNT_EVENTS_BENCH_FONT to a TTF file"
        )
    })?;
    // Leaked once per run: plotters keeps registered fonts for the life of the process.
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    register_font("sans-serif", FontStyle::Normal, bytes)
        .map_err(|_| format!("the plot font {path} is not a valid TTF file"))
}

/// Draws the plot as a PNG at `path`. The floor is left out: it runs several times faster than
/// every design and would flatten their lines.
pub fn draw(
    report: &Report,
    designs: &[&str],
    threads: &[usize],
    accounts: &[usize],
    path: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::new(path, (420 * accounts.len() as u32, 460)).into_drawing_area();
    root.fill(&WHITE)?;
    let (title, body) = root.split_vertically(40);
    title.titled(
        "Churn through a real Server: million updates/s against worker threads",
        ("sans-serif", 20),
    )?;
    let panels = body.split_evenly((1, accounts.len()));
    let designs: Vec<&str> = designs.iter().copied().filter(|&d| d != FLOOR).collect();

    let peak = report
        .cells
        .iter()
        .filter(|cell| cell.design != FLOOR)
        .map(|cell| cell.updates_per_second / 1e6)
        .fold(0.0, f64::max)
        * 1.1;
    let peak = if peak > 0.0 { peak } else { 1.0 };
    let x_max = (threads.len() - 1) as f64;

    for (panel, &a) in panels.iter().zip(accounts) {
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("{a} account(s)"), ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(45)
            .build_cartesian_2d(-0.2..x_max + 0.2, 0.0..peak)?;
        chart
            .configure_mesh()
            .x_labels(threads.len())
            .x_label_formatter(&|x| {
                let index = x.round() as usize;
                threads.get(index).map_or(String::new(), |t| t.to_string())
            })
            .x_desc("threads")
            .y_desc("million updates/s")
            .light_line_style(WHITE.mix(0.0))
            .draw()?;

        for (index, &design) in designs.iter().enumerate() {
            let color = COLORS[index % COLORS.len()];
            let points: Vec<(f64, f64)> = threads
                .iter()
                .enumerate()
                .filter_map(|(x, &t)| {
                    report
                        .cell(design, t, a)
                        .map(|cell| (x as f64, cell.updates_per_second / 1e6))
                })
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
                .label(design)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart.draw_series(
                points
                    .into_iter()
                    .map(|point| Circle::new(point, 3, color.filled())),
            )?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 13))
            .draw()?;
    }
    root.present()?;
    Ok(())
}
