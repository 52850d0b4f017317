//! The text of bench data: a deterministic generator, titles (a third real published ones) and
//! bodies composed from the domain's vocabulary, unit names and sessions, and the rows of the
//! directories (sectors, units …).

use eline_storage::bulk::{Rows, Val};

use super::{UNIT_COUNT, data};

/// Real published titles (copied from the shared reference data into `bench/data`).
const REAL_TITLES: &str = include_str!("../../../../bench/data/titles.txt");

/// SplitMix64: a tiny, fast, deterministic generator.
#[derive(Clone)]
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn for_index(stream: u64, i: u64) -> Rng {
        let mut r = Rng(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub(super) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

#[rustfmt::skip]
const ADVERBS: &[&str] = &["进一步", "加快", "着力", "切实", "持续", "全面", "大力", "积极"];
#[rustfmt::skip]
const VERBS: &[&str] = &["推进", "加强", "完善", "优化", "提升", "规范", "健全", "促进", "深化", "统筹"];
#[rustfmt::skip]
const AREAS: &[&str] = &["我市", "城乡", "基层", "农村", "社区", "全市", "中心城区", "镇街", "县域", "粤港澳大湾区"];
#[rustfmt::skip]
const TOPICS: &[&str] = &[
    "养老服务体系建设", "学前教育资源供给", "义务教育优质均衡发展", "职业教育产教融合", "公共卫生应急体系",
    "医疗卫生服务能力", "中医药传承创新", "社区居家养老服务", "婴幼儿照护服务", "老旧小区改造",
    "城市更新和历史文化保护", "生活垃圾分类处理", "黑臭水体治理", "大气污染防治", "河长制落实",
    "乡村振兴和农业现代化", "高标准农田建设", "农村人居环境整治", "民营经济高质量发展", "中小微企业融资服务",
    "营商环境", "数字经济发展", "智慧城市建设", "新能源汽车充电设施", "公共交通服务",
    "停车难问题治理", "电动自行车安全管理", "食品安全监管", "安全生产监管", "基层社会治理",
    "矛盾纠纷多元化解", "法律援助服务", "退役军人服务保障", "残疾人就业帮扶", "高校毕业生就业",
    "技能人才队伍建设", "科技成果转化", "文化旅游融合发展", "全民健身设施建设", "非物质文化遗产保护",
];
#[rustfmt::skip]
const PROBLEMS: &[&str] = &[
    "统筹协调机制不够健全，部门之间职责交叉、衔接不畅", "财政投入总体不足，社会资本参与的渠道不多",
    "基层力量薄弱，专业人才短缺，服务能力有待提升", "相关政策落实不到位，群众获得感不强",
    "区域发展不平衡，城乡之间差距仍然较大", "信息化水平不高，数据共享不充分",
    "监管手段相对单一，长效管理机制尚未形成", "宣传引导不够，公众参与度不高",
];
#[rustfmt::skip]
pub(super) const SUGGESTIONS: &[&str] = &[
    "加强顶层设计，制定专项规划，明确牵头部门和时间表", "加大财政投入，完善多元化投入机制，引导社会资本参与",
    "强化人才队伍建设，完善培养、引进和激励机制", "建立健全考核评估制度，定期通报工作进展",
    "推进部门数据共享，运用信息化手段提升管理效能", "总结推广先进经验，开展试点示范",
    "完善公众参与机制，畅通群众意见反映渠道", "加强宣传引导，营造全社会共同参与的良好氛围",
];
#[rustfmt::skip]
const DISTRICTS: &[&str] = &["河东区", "河西区", "新港区", "凤鸣区", "榕江区", "桂岭区", "蓝田区"];

pub(super) struct Vocab {
    real: Vec<&'static str>,
}

impl Vocab {
    pub(super) fn new() -> Vocab {
        Vocab { real: REAL_TITLES.lines().map(str::trim).filter(|t| !t.is_empty()).collect() }
    }

    /// A third real published titles, the rest composed from the domain vocabulary.
    pub(super) fn title(&self, r: &mut Rng) -> String {
        if r.below(3) == 0 {
            r.pick(&self.real).to_string()
        } else {
            format!("关于{}{}{}{}的建议", r.pick(ADVERBS), r.pick(VERBS), r.pick(AREAS), r.pick(TOPICS))
        }
    }

    pub(super) fn body(&self, title: &str, r: &mut Rng) -> String {
        let topic = title.trim_start_matches("关于").trim_end_matches("的建议").trim_end_matches("的提案");
        let (p1, p2) = (r.below(PROBLEMS.len() as u64) as usize, r.below(PROBLEMS.len() as u64) as usize);
        let s = r.below(SUGGESTIONS.len() as u64) as usize;
        format!(
            "近年来，围绕{topic}，有关部门做了大量工作，取得了一定成效。但调研发现仍存在一些问题：一是{}；二是{}。\n为此建议：一是{}；二是{}；三是{}。",
            PROBLEMS[p1],
            PROBLEMS[(p2 + 1 + p1) % PROBLEMS.len()],
            SUGGESTIONS[s],
            SUGGESTIONS[(s + 3) % SUGGESTIONS.len()],
            SUGGESTIONS[(s + 5) % SUGGESTIONS.len()],
        )
    }
}

/// ~200 unit names: the demo city's units, then each district's government departments.
pub(super) fn unit_names() -> Vec<(String, &'static str)> {
    let category = |u: &str| {
        if u.contains("法院") || u.contains("检察院") {
            "judicial"
        } else if u.contains("公司") || u.contains("供电局") {
            "enterprise"
        } else {
            "government"
        }
    };
    let mut out: Vec<(String, &'static str)> = data::UNITS.iter().map(|u| (u.to_string(), category(u))).collect();
    for d in DISTRICTS {
        for u in data::UNITS.iter().filter(|u| u.starts_with(data::CITY_NAME) && u.ends_with('局')) {
            if out.len() >= UNIT_COUNT {
                break;
            }
            out.push((format!("{}{d}{}", data::CITY_NAME, &u[data::CITY_NAME.len()..]), "government"));
        }
    }
    out.truncate(UNIT_COUNT);
    out
}

/// Ten sessions: (term, session, year, opening date), two terms of five.
pub(super) fn sessions() -> Vec<(i64, i64, i64, String)> {
    (0..10).map(|k| (12 + k / 5, 1 + k % 5, 2017 + k, format!("{}-01-{:02}", 2017 + k, 6 + k % 5))).collect()
}

const DIRECTORY_COLUMNS: &[&str] = &["id", "committee_id", "name", "category", "note", "sort_order", "created_at", "updated_at"];

pub(super) fn directory_rows(table: &'static str, base: i64, cid: i64, at: i64, items: &[(String, Option<&'static str>)]) -> Rows {
    let mut rows = Rows::new(table, DIRECTORY_COLUMNS);
    for (i, (name, category)) in items.iter().enumerate() {
        let i = i as i64;
        rows.push([
            Val::Int(base + i + 1),
            Val::Int(cid),
            Val::Text(name.clone()),
            Val::OptText(category.map(str::to_string)),
            Val::OptText(None),
            Val::Int(i * 10),
            Val::Int(at),
            Val::Int(at),
        ]);
    }
    rows
}
