//! Builds a large benchmark corpus from the real reports in `data/corpus`.
//!
//! Every generated file is one of the templates with its department renamed and its years
//! shifted, so that each is a distinct report (its own bytes, report id, department and
//! fiscal year) with the same statements and the same figures as its template:
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --n 20000 --out /tmp/cnbudget-bench/corpus-20000
//! ```
//!
//! The department is read the way the library reads it (`metadata::read` on
//! `normalize::lines`) and every occurrence of it is replaced, including one wrapped across a
//! line break, by a generated name of the same display width, so that space-aligned layout
//! tables keep their columns. Every 4-digit year from 2015 to 2030 that is followed by `年`
//! is shifted by one offset per file; a number not followed by `年` is a figure and is left
//! alone. The same `--seed` gives the same corpus, byte for byte.
//!
//! `manifest.tsv` in the output folder lists each file with its template, department, fiscal
//! year and offset; it is written last, so its presence means the corpus is complete.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::Parser;
use cnbudget::decode::{self, Format};
use cnbudget::discover::{self, Kind};
use cnbudget::{metadata, normalize};
use rayon::prelude::*;
use regex::Regex;

/// Generates a corpus of N distinct reports from the template reports.
#[derive(Parser, Debug)]
#[command(
    name = "gen_corpus",
    about = "Generates N distinct reports from the real ones, for benchmarks",
    long_about = "Generates N distinct reports from the real ones, for benchmarks.\n\n\
        Each output file is a template report (from --templates) with its department renamed \
        and its years shifted, deterministic from --seed. Files are spread over numbered \
        subfolders; manifest.tsv lists what each one is and is written last.",
    after_help = "Example:\n  cargo run --release --example gen_corpus -- --n 20000 --out /tmp/cnbudget-bench/corpus-20000"
)]
struct Args {
    /// Number of reports to write.
    #[arg(long, default_value_t = 2000)]
    n: usize,
    /// Folder to write them to; it must not exist or be empty.
    #[arg(long)]
    out: PathBuf,
    /// Seed for the generated names and year offsets: the same seed gives the same corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder of template reports (.txt, .md, page-array .json), searched recursively
    /// [default: the repository's data/corpus].
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/data/corpus"), hide_default_value = true)]
    templates: PathBuf,
    /// Shift years by at most this many (0: every file keeps its template's year). Fewer
    /// distinct years means fewer year partitions in cnbudget's output.
    #[arg(long, default_value_t = 15)]
    max_shift: i32,
    /// Reports per subfolder.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    per_folder: u64,
}

fn main() -> ExitCode {
    match generate(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn generate(args: &Args) -> Result<()> {
    let templates = load_templates(&args.templates)?;
    if templates.is_empty() {
        bail!("no usable template report in {}", args.templates.display());
    }
    prepare_output(&args.out)?;
    let plan = plan(&templates, args)?;
    let bytes = write_files(args, &templates, &plan)?;
    write_manifest(args, &templates, &plan)?;
    eprintln!(
        "gen_corpus: {} reports from {} template(s), {:.1} MB → {}",
        plan.len(),
        templates.len(),
        bytes as f64 / 1e6,
        args.out.display()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Templates

/// A template report, cut into the pieces that vary and the text in between.
struct Template {
    /// Path relative to the templates folder.
    relative: String,
    department: String,
    fiscal_year: Option<i32>,
    /// The offsets that keep the fiscal year (or, without one, every shifted year) in range.
    offsets: std::ops::RangeInclusive<i32>,
    body: Body,
}

/// One page object of a page-array JSON file, kept whole so that fields other than `text`
/// are written back as they were.
type Page = serde_json::Map<String, serde_json::Value>;

enum Body {
    Text(Vec<Piece>),
    /// Page-array JSON: each page object with its text cut into pieces.
    Pages(Vec<(Page, Vec<Piece>)>),
}

/// Part of a template's text.
enum Piece {
    Literal(String),
    /// An occurrence of the department name, with the whitespace (a line wrap, an OCR gap)
    /// found inside it: `(chars of the name before it, the whitespace)`.
    Name {
        chars: usize,
        gaps: Vec<(usize, String)>,
    },
    /// A year to shift.
    Year(i32),
}

const FIRST_YEAR: i32 = 2015;
const LAST_YEAR: i32 = 2030;

/// Reads every template; one that cannot be used is skipped with a message.
fn load_templates(dir: &Path) -> Result<Vec<Template>> {
    let entries = discover::discover(dir).with_context(|| format!("cannot list the templates in {}", dir.display()))?;
    let mut templates = Vec::new();
    for entry in entries {
        let loaded = match &entry.kind {
            // Renaming and shifting rewrite text; a PDF's text is not stored as written.
            Kind::Read(Format::Pdf) => Err(anyhow::anyhow!("a PDF: only text reports can be rewritten")),
            Kind::Read(format) => load_template(&entry.path(dir), entry.relative.clone(), *format),
            Kind::Unreadable(reason) => Err(anyhow::anyhow!(reason.clone())),
            Kind::DuplicateOf(pdf) => Err(anyhow::anyhow!("the same report as {pdf}")),
        };
        match loaded {
            Ok(t) => templates.push(t),
            Err(e) => eprintln!("gen_corpus: skipping template {}: {e:#}", entry.relative),
        }
    }
    Ok(templates)
}

fn load_template(path: &Path, relative: String, format: Format) -> Result<Template> {
    let bytes = fs::read(path).context("cannot read it")?;
    // The file's own text (for a page array, the JSON), and the text the library parses.
    let raw = decode::decode(&bytes, Format::Text).context("not a readable text")?;
    let parsed = match format {
        Format::PageArray => decode::decode(&bytes, format).context("not a page array")?,
        _ => raw.clone(),
    };
    let meta = metadata::read(&normalize::lines(&parsed));
    let department = meta.department.context("the library reads no department in it, so it cannot be renamed")?;
    let name = name_regex(&department)?;
    let body = match format {
        Format::PageArray => Body::Pages(page_pieces(&raw, &name)?),
        _ => Body::Text(pieces(&raw, &name)),
    };
    if !body.has_name() {
        bail!("its department {department} is not found verbatim in the file");
    }
    let fiscal_year = meta.fiscal_year.map(i32::from);
    let offsets = offsets(fiscal_year, &body);
    Ok(Template { relative, department, fiscal_year, offsets, body })
}

/// Matches the name with optional spaces between its characters and at most one line break,
/// as layout text wraps a long name and OCR splits one: the full character sequence must be
/// there, so nothing else matches.
fn name_regex(name: &str) -> Result<Regex> {
    const GAP: &str = r"(?:[ \t\u{3000}]*\r?\n)?[ \t\u{3000}]*";
    let chars: Vec<String> = name.chars().map(|c| regex::escape(c.encode_utf8(&mut [0; 4]))).collect();
    Regex::new(&chars.join(GAP)).context("cannot build a pattern for the department name")
}

fn pieces(text: &str, name: &Regex) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut last = 0;
    for m in name.find_iter(text) {
        years(&text[last..m.start()], &mut out);
        let chars = m.as_str().chars().filter(|c| !c.is_whitespace()).count();
        out.push(Piece::Name { chars, gaps: gaps(m.as_str()) });
        last = m.end();
    }
    years(&text[last..], &mut out);
    out
}

fn page_pieces(json: &str, name: &Regex) -> Result<Vec<(Page, Vec<Piece>)>> {
    let pages: Vec<Page> = serde_json::from_str(json).context("not an array of page objects")?;
    pages
        .into_iter()
        .map(|page| {
            let text = page.get("text").and_then(|t| t.as_str()).context("a page has no \"text\" string")?;
            let cut = pieces(text, name);
            Ok((page, cut))
        })
        .collect()
}

/// The whitespace inside one occurrence of the name, by position.
fn gaps(occurrence: &str) -> Vec<(usize, String)> {
    let mut gaps: Vec<(usize, String)> = Vec::new();
    let mut seen = 0;
    for c in occurrence.chars() {
        if c.is_whitespace() {
            match gaps.last_mut() {
                Some((at, ws)) if *at == seen => ws.push(c),
                _ => gaps.push((seen, c.to_string())),
            }
        } else {
            seen += 1;
        }
    }
    gaps
}

/// Cuts `text` into literals and the years to shift: four digits in range, not part of a
/// longer number or a decimal figure, followed (after optional spaces) by `年`.
fn years(text: &str, out: &mut Vec<Piece>) {
    let bytes = text.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let run = &bytes[i..i + 4];
        let before_ok = i == 0 || !matches!(bytes[i - 1], b'0'..=b'9' | b'.' | b',');
        if before_ok && run.iter().all(u8::is_ascii_digit) && followed_by_nian(&text[i + 4..]) {
            let year: i32 = text[i..i + 4].parse().unwrap_or(0);
            if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
                push_literal(out, &text[last..i]);
                out.push(Piece::Year(year));
                last = i + 4;
                i += 4;
                continue;
            }
        }
        i += 1;
    }
    push_literal(out, &text[last..]);
}

fn followed_by_nian(rest: &str) -> bool {
    rest.trim_start_matches([' ', '\t']).starts_with('年')
}

fn push_literal(out: &mut Vec<Piece>, text: &str) {
    if !text.is_empty() {
        out.push(Piece::Literal(text.to_string()));
    }
}

impl Body {
    fn pieces(&self) -> Box<dyn Iterator<Item = &Piece> + '_> {
        match self {
            Body::Text(p) => Box::new(p.iter()),
            Body::Pages(pages) => Box::new(pages.iter().flat_map(|(_, p)| p.iter())),
        }
    }

    fn has_name(&self) -> bool {
        self.pieces().any(|p| matches!(p, Piece::Name { .. }))
    }
}

/// Offsets that put the fiscal year in 2015–2030; without a fiscal year, that keep every
/// shifted year there.
fn offsets(fiscal_year: Option<i32>, body: &Body) -> std::ops::RangeInclusive<i32> {
    let years: Vec<i32> = body.pieces().filter_map(|p| if let Piece::Year(y) = p { Some(*y) } else { None }).collect();
    let (low, high) = match fiscal_year {
        Some(fy) => (fy, fy),
        None => (years.iter().copied().min().unwrap_or(FIRST_YEAR), years.iter().copied().max().unwrap_or(LAST_YEAR)),
    };
    (FIRST_YEAR - low).min(0)..=(LAST_YEAR - high).max(0)
}

// ---------------------------------------------------------------------------------------------
// The plan: which template, name and offset each output file gets

struct Planned {
    template: usize,
    department: String,
    offset: i32,
}

/// Chooses every file's template (round robin, so any prefix of the corpus has the same mix),
/// name and offset. Sequential, so that no two files are the same report.
fn plan(templates: &[Template], args: &Args) -> Result<Vec<Planned>> {
    let n = args.n;
    let mut rng = SplitMix64(args.seed);
    let shift = args.max_shift.abs();
    let mut seen = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let template = i % templates.len();
        let t = &templates[template];
        let width = display_width(&t.department);
        let offsets = (*t.offsets.start()).max(-shift)..=(*t.offsets.end()).min(shift);
        let chosen =
            (0..1000).map(|_| (name_of_width(width, &mut rng), rng.pick_in(&offsets))).find(|(name, offset)| {
                !seen.contains(&(template, name.clone(), *offset)) && (*name != t.department || *offset != 0)
            });
        let Some((department, offset)) = chosen else {
            bail!(
                "ran out of distinct names for template {} after {i} files (its name is short: \
                 allow more year shifts with --max-shift, or generate fewer files)",
                t.relative
            );
        };
        seen.insert((template, department.clone(), offset));
        out.push(Planned { template, department, offset });
    }
    Ok(out)
}

/// Columns a string takes in monospaced layout text: CJK and full-width characters take two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

// Parts of generated names: plausible, and free of what the parsers look for (years, 年, 度,
// 预算/决算, 单位, 概况, digits, whitespace), so that the renamed report reads the same.
#[rustfmt::skip]
const CITIES: &[&str] = &[
    "武汉市", "上海市", "南京市", "杭州市", "成都市", "西安市", "长沙市", "合肥市", "南昌市", "郑州市",
    "济南市", "福州市", "昆明市", "贵阳市", "太原市", "沈阳市", "长春市", "兰州市", "宁波市", "厦门市",
    "青岛市", "无锡市", "苏州市", "常州市", "襄阳市", "宜昌市", "荆州市", "温州市", "绍兴市", "嘉兴市",
    "徐州市", "扬州市", "镇江市", "泰州市", "南通市", "盐城市", "淮安市", "芜湖市", "蚌埠市", "安庆市",
    "九江市", "赣州市", "洛阳市", "开封市", "新乡市", "烟台市", "潍坊市", "临沂市", "泉州市", "漳州市",
    "柳州市", "桂林市", "遵义市", "曲靖市", "大理市", "绵阳市", "德阳市", "宜宾市", "南充市", "咸阳市",
];
#[rustfmt::skip]
const DISTRICTS: &[&str] = &[
    "东湖区", "西湖区", "江北区", "江南区", "城东区", "城西区", "高新区", "新城区", "滨江区", "临江区",
    "北湖区", "南湖区", "青山区", "金山区", "东城区", "西城区", "鼓楼区", "天河区", "白云区", "龙华区",
    "江夏区", "黄陂区", "新洲区", "蔡甸区", "汉南区", "硚口区", "江岸区", "洪山区", "武昌区", "汉阳区",
    "玄武区", "秦淮区", "建邺区", "栖霞区", "雨花区", "浦口区", "六合区", "溧水区", "高淳区", "江宁区",
    "东西湖区", "经济开发区",
];
const GOVERNMENT: &str = "人民政府";
#[rustfmt::skip]
const PLACES: &[&str] = &[
    "长丰", "宜川", "甘泉", "曹杨", "长寿", "真如", "桃浦", "石泉", "万里", "长征", "新华", "和平",
    "光明", "团结", "红旗", "建设", "解放路", "中山路", "人民路", "长江路", "黄河路", "滨湖路",
];
#[rustfmt::skip]
const AGENCIES: &[&str] = &[
    "财政局", "教育局", "民政局", "商务局", "审计局", "统计局", "水务局", "司法局", "档案馆", "图书馆",
    "文化馆", "博物馆", "科技馆", "档案局", "林业局", "气象局", "体育局", "信访局", "城管局", "税务局",
    "粮食局", "人防办", "机关党委", "信息中心", "体育中心", "大数据中心", "社会福利院", "交通运输局",
    "生态环境局", "应急管理局", "医疗保障局", "农业农村局", "科学技术局", "街道办事处", "卫生健康委员会",
    "市场监督管理局", "退役军人事务局", "城市管理委员会", "人民政府办公室", "发展和改革委员会",
    "疾病预防控制中心", "住房和城乡建设局", "规划和自然资源局", "人力资源和社会保障局",
];
const SUFFIXES: &[&str] = &["（本级）", "（机关）"];
/// Pads a name that no combination of parts fits.
const FILLER: &str = "东南西北中新华光明和平";

/// A generated department name that takes `width` columns, like the one it replaces: a city
/// and/or a district, then optional parts, then an agency.
fn name_of_width(width: usize, rng: &mut SplitMix64) -> String {
    let chars = width / 2;
    for _ in 0..200 {
        let mut name = String::new();
        match rng.below(4) {
            0 => name.push_str(rng.pick(CITIES)),
            1 => name.push_str(rng.pick(DISTRICTS)),
            _ => {
                name.push_str(rng.pick(CITIES));
                name.push_str(rng.pick(DISTRICTS));
            }
        }
        if rng.chance(1, 4) {
            name.push_str(GOVERNMENT);
        }
        if rng.chance(1, 2) {
            name.push_str(rng.pick(PLACES));
        }
        name.push_str(rng.pick(AGENCIES));
        if rng.chance(1, 6) {
            name.push_str(rng.pick(SUFFIXES));
        }
        if name.chars().count() == chars {
            return pad_odd(name, width);
        }
    }
    // No combination fits (a very short or very long name): pad or cut a simple one.
    let mut name = format!("{}{}", rng.pick(CITIES), rng.pick(AGENCIES));
    name.extend(FILLER.chars().cycle().take(chars.saturating_sub(name.chars().count())));
    pad_odd(name.chars().take(chars).collect(), width)
}

/// An odd width (a name with one ASCII character) is made up with a trailing space, which the
/// label and title readers ignore.
fn pad_odd(mut name: String, width: usize) -> String {
    if width % 2 == 1 {
        name.push(' ');
    }
    name
}

/// A small, stable PRNG: the corpus must not change when a dependency's generator does.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn pick_in(&mut self, range: &std::ops::RangeInclusive<i32>) -> i32 {
        let span = (range.end() - range.start()) as u64 + 1;
        range.start() + self.below(span) as i32
    }

    fn chance(&mut self, k: u64, n: u64) -> bool {
        self.below(n) < k
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

fn prepare_output(out: &Path) -> Result<()> {
    if out.exists() {
        let mut listing = fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?;
        if listing.next().is_some() {
            bail!("{} is not empty: remove it or choose another --out (gen_corpus deletes nothing)", out.display());
        }
    }
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))
}

/// The file's path under the output folder: `007/007123-<template name, years shifted>`.
fn relative_path(i: usize, per_folder: u64, template: &Template, offset: i32) -> String {
    let folder = i as u64 / per_folder;
    let file_name = template.relative.rsplit('/').next().unwrap_or(&template.relative);
    format!("{folder:03}/{i:06}-{}", shift_years_in_name(file_name, offset))
}

/// `wuhan-jianghan-bigdata-2023-final.txt` → `…-2025-final.txt`, so the name says the year.
fn shift_years_in_name(name: &str, offset: i32) -> String {
    let parts: Vec<String> = name
        .split('-')
        .map(|part| match part.parse::<i32>() {
            Ok(y) if part.len() == 4 && (FIRST_YEAR..=LAST_YEAR).contains(&y) => (y + offset).to_string(),
            _ => part.to_string(),
        })
        .collect();
    parts.join("-")
}

/// Writes every file, in parallel; returns the bytes written.
fn write_files(args: &Args, templates: &[Template], plan: &[Planned]) -> Result<u64> {
    let folders = plan.len().div_ceil(args.per_folder as usize);
    for folder in 0..folders {
        let dir = args.out.join(format!("{folder:03}"));
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    plan.par_iter()
        .enumerate()
        .map(|(i, p)| {
            let t = &templates[p.template];
            let path = args.out.join(relative_path(i, args.per_folder, t, p.offset));
            let text = render(&t.body, &p.department, p.offset)?;
            fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
            Ok(text.len() as u64)
        })
        .sum()
}

fn render(body: &Body, name: &str, offset: i32) -> Result<String> {
    match body {
        Body::Text(pieces) => Ok(render_pieces(pieces, name, offset)),
        Body::Pages(pages) => {
            let pages: Vec<Page> = pages
                .iter()
                .map(|(page, pieces)| {
                    let mut page = page.clone();
                    page.insert("text".into(), render_pieces(pieces, name, offset).into());
                    page
                })
                .collect();
            serde_json::to_string_pretty(&pages).context("cannot write JSON")
        }
    }
}

fn render_pieces(pieces: &[Piece], name: &str, offset: i32) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Literal(text) => out.push_str(text),
            Piece::Year(year) => {
                let _ = write!(out, "{}", year + offset);
            }
            Piece::Name { chars, gaps } => push_name(&mut out, name, *chars, gaps),
        }
    }
    out
}

/// Writes the new name with the old occurrence's whitespace at the same relative positions,
/// so that a wrapped name stays wrapped and no line is added or lost.
fn push_name(out: &mut String, name: &str, old_chars: usize, gaps: &[(usize, String)]) {
    let new: Vec<char> = name.trim_end().chars().collect();
    let n = new.len();
    let scaled: Vec<(usize, &str)> = gaps
        .iter()
        .map(|(at, ws)| ((at * n + old_chars / 2) / old_chars.max(1), ws.as_str()))
        .map(|(at, ws)| (at.clamp(1, n.saturating_sub(1).max(1)), ws))
        .collect();
    for (k, c) in new.iter().enumerate() {
        for (_, ws) in scaled.iter().filter(|(at, _)| *at == k) {
            out.push_str(ws);
        }
        out.push(*c);
    }
    // A name that ends in a space (odd width) keeps its width.
    out.push_str(&name[name.trim_end().len()..]);
}

fn write_manifest(args: &Args, templates: &[Template], plan: &[Planned]) -> Result<()> {
    let mut tsv = String::from("file\ttemplate\tdepartment\tfiscal_year\tyear_offset\ttemplate_department\n");
    for (i, p) in plan.iter().enumerate() {
        let t = &templates[p.template];
        let file = relative_path(i, args.per_folder, t, p.offset);
        let _ = writeln!(
            tsv,
            "{}\t{}\t{}\t{}\t{}\t{}",
            file,
            t.relative,
            p.department.trim_end(),
            t.fiscal_year.map_or_else(String::new, |y| (y + p.offset).to_string()),
            p.offset,
            t.department
        );
    }
    let path = args.out.join("manifest.tsv");
    fs::write(&path, tsv).with_context(|| format!("cannot write {}", path.display()))
}
