//! Demo committee content (fictitious city 清河市) — used only by `eline serve --demo`.
//!
//! Everything here is static and deterministic: no I/O, no randomness, no dependencies
//! beyond `std`. [`member`] yields the same [`DemoMember`] for the same index every time,
//! so it can also feed benchmarks (up to 100,000 members).

/// The fictitious city.
pub const CITY_NAME: &str = "清河市";
pub const COMMITTEE_NAME: &str = "政协清河市委员会";
pub const COMMITTEE_SHORT_NAME: &str = "清河市政协";
/// The full official name, for letter headings.
pub const COMMITTEE_FULL_NAME: &str = "中国人民政治协商会议清河市委员会";

/// 届: (number, start_year, end_year); the last entry is the current term.
pub const TERMS: &[(u32, i32, i32)] = &[(12, 2017, 2021), (13, 2022, 2026)];

/// 次会议 of the current (last) term: (term_number, session_number, opening date).
pub const SESSIONS: &[(u32, u32, &str)] = &[(13, 1, "2022-01-06"), (13, 2, "2023-01-10"), (13, 3, "2024-01-09"), (13, 4, "2025-01-07"), (13, 5, "2026-01-13")];

/// 24 towns/streets (镇街); each gets a work station named "<town>委员工作站".
#[rustfmt::skip]
pub const TOWNS: &[&str] = &[
    "河东街道", "河西街道", "城南街道", "城北街道", "凤鸣街道", "新港街道",
    "榕江镇", "桂岭镇", "蓝田镇", "白鹭镇", "龙潭镇", "金沙镇",
    "望海镇", "莲塘镇", "竹林镇", "双溪镇", "梅岗镇", "云台镇",
    "三江镇", "石门镇", "横塘镇", "湖洲镇", "禾坪镇", "银湖镇",
];

/// 30 sectors (界别). Index layout (relied upon by [`member`]):
/// 0 中共; 1..=8 the eight democratic parties (same order as the party labels);
/// 9 无党派人士; 10..=16 people's organisations; 17..=26 界; 27 港; 28 澳; 29 特邀.
#[rustfmt::skip]
pub const SECTORS: &[&str] = &[
    "中共", "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟",
    "无党派人士",
    "共青团", "总工会", "妇联", "工商联", "科协", "侨联", "台联",
    "文化艺术界", "科学技术界", "经济界", "农业界", "教育界", "体育界", "新闻出版界",
    "医药卫生界", "社会福利和社会保障界", "少数民族和宗教界",
    "特邀香港人士", "特邀澳门人士", "特别邀请人士",
];

/// 9 special committees (专委会).
#[rustfmt::skip]
pub const SPECIAL_COMMITTEES: &[&str] = &[
    "提案委员会", "经济委员会", "人口资源环境委员会", "教科卫体委员会", "社会和法制委员会",
    "民族宗教委员会", "港澳台侨和外事委员会", "文化文史和学习委员会", "农业和农村委员会",
];

/// Organisations (党派团体/人民团体) with kind: "party", "people" or "other".
#[rustfmt::skip]
pub const ORGANIZATIONS: &[(&str, &str)] = &[
    ("民革清河市委员会", "party"), ("民盟清河市委员会", "party"),
    ("民建清河市委员会", "party"), ("民进清河市委员会", "party"),
    ("农工党清河市委员会", "party"), ("致公党清河市委员会", "party"),
    ("九三学社清河市委员会", "party"), ("台盟清河市委员会", "party"),
    ("清河市工商业联合会", "people"), ("清河市总工会", "people"),
    ("共青团清河市委员会", "people"), ("清河市妇女联合会", "people"),
    ("清河市科学技术协会", "people"), ("清河市归国华侨联合会", "people"),
    ("清河市台湾同胞联谊会", "people"), ("清河市青年联合会", "people"),
    ("清河市知识分子联谊会", "other"), ("清河市新的社会阶层人士联合会", "other"),
];

/// 60 handling units (承办单位).
#[rustfmt::skip]
pub const UNITS: &[&str] = &[
    "清河市人民政府办公室", "清河市发展和改革局", "清河市教育局", "清河市科学技术局",
    "清河市工业和信息化局", "清河市民族宗教事务局", "清河市公安局", "清河市民政局", "清河市司法局",
    "清河市财政局", "清河市人力资源和社会保障局", "清河市自然资源局", "清河市生态环境局",
    "清河市住房和城乡建设局", "清河市交通运输局", "清河市水务局", "清河市农业农村局",
    "清河市商务局", "清河市文化广电旅游体育局", "清河市卫生健康局", "清河市退役军人事务局",
    "清河市应急管理局", "清河市审计局", "清河市国有资产监督管理委员会", "清河市市场监督管理局",
    "清河市统计局", "清河市医疗保障局", "清河市城市管理和综合执法局", "清河市林业局",
    "清河市信访局", "清河市政务服务和数据管理局", "清河市地方金融管理局", "清河市外事局",
    "清河市港澳事务局", "清河市投资促进局", "清河市社会保险基金管理局", "清河市住房公积金管理中心",
    "清河市气象局", "清河市邮政管理局", "清河市烟草专卖局", "清河市残疾人联合会",
    "清河市供销合作联社", "清河市消防救援支队", "清河市公安局交通警察支队", "清河市人民医院",
    "清河职业技术学院", "清河市档案馆", "清河市城市更新局", "中共清河市委宣传部",
    "中共清河市委统战部", "中共清河市委政法委员会", "国家税务总局清河市税务局", "清河海关",
    "清河市中级人民法院", "清河市人民检察院", "广东电网有限责任公司清河供电局", "清河供水有限公司",
    "清河市公共交通集团有限公司", "中国电信清河分公司", "中国移动清河分公司",
];

pub const MEMBER_COUNT: usize = 320;

/// Party labels a member can carry (`PARTIES[1..=8]` map to `SECTORS[1..=8]`).
#[rustfmt::skip]
pub const PARTIES: &[&str] = &[
    "中共党员", "民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员",
    "九三学社社员", "台盟盟员", "无党派人士", "群众",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMember {
    /// 2–3 character Chinese name.
    pub name: String,
    /// "male" | "female" (exactly 70/30 per block of ten indexes).
    pub gender: &'static str,
    /// 1960..=1990.
    pub birth_year: i32,
    /// One of [`PARTIES`].
    pub party: &'static str,
    /// Index into [`SECTORS`].
    pub sector_index: usize,
    /// Index into [`TOWNS`] (work station).
    pub town_index: usize,
    /// 0–2 distinct indexes into [`SPECIAL_COMMITTEES`].
    pub special_committee_indexes: Vec<usize>,
    /// Subset of "chair", "vice_chair", "secretary_general", "standing", "member".
    pub roles: Vec<&'static str>,
    /// True for members in the 特邀香港人士/特邀澳门人士 sectors.
    pub hk_macao: bool,
    /// Fictitious 11-digit mobile number starting "139"; unique per index.
    pub phone: String,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高", "梁", "郑", "谢", "宋", "唐", "许",
    "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蔡", "蒋", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "钟",
    "廖", "谭", "莫", "温", "麦", "邱", "严", "冼",
];
/// Given-name characters; the two pools are disjoint so names never collide across genders.
const MALE_CHARS: &[&str] = &[
    "伟", "强", "军", "磊", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "旭",
    "宁", "龙", "林", "建", "国", "志", "文", "海", "东", "峰", "晨", "振", "荣", "德", "永", "锋", "宏", "彬", "毅", "家", "嘉", "耀", "成", "立", "启", "铭",
];
const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "桂", "英", "慧", "莹", "雪", "琳", "晶", "燕", "倩", "婷", "洁", "萍", "红", "颖", "欣", "怡",
    "佳", "雯",
];

const SECTOR_ZHONGGONG: usize = 0;
const SECTOR_NON_PARTY: usize = 9;
const SECTOR_PEOPLE_FIRST: usize = 10;
const SECTOR_WOMEN: usize = 12;
const SECTOR_JIE_FIRST: usize = 17;
const SECTOR_JIE_COUNT: usize = 10;
const SECTOR_HK: usize = 27;
const SECTOR_MACAO: usize = 28;
const SECTOR_SPECIAL: usize = 29;

/// Prime multiplier for the affine permutations below (coprime with every modulus used).
const PERM_MUL: u64 = 104_729;

/// SplitMix64 finaliser: a well-mixed 64-bit hash of `index` under `salt`.
fn hash(index: usize, salt: u64) -> u64 {
    let mut z = (index as u64).wrapping_add(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Bijective affine map on `0..modulus` (so distinct ordinals give distinct codes).
fn permute(ordinal: usize, modulus: usize, offset: u64) -> usize {
    let m = modulus as u64;
    (((ordinal as u64 % m) * (PERM_MUL % m) + offset) % m) as usize
}

/// Gender and the member's ordinal among members of the same gender. Within each block
/// of ten indexes exactly three are female, at positions shuffled per block.
fn gender_and_ordinal(index: usize) -> (bool, usize) {
    let (block, pos) = (index / 10, index % 10);
    let rank = (pos * 3 + block * 7) % 10; // bijection on 0..10 for a fixed block
    if rank < 3 { (true, block * 3 + rank) } else { (false, block * 7 + rank - 3) }
}

/// Every fifth same-gender ordinal gets a two-character name. Three-character names come
/// from a permutation of (surname, char, different char) codes, two-character ones of
/// (surname, char) codes, so names are pairwise distinct for the first 20,000+ indexes.
fn name_for(female: bool, ordinal: usize) -> String {
    let pool = if female { FEMALE_CHARS } else { MALE_CHARS };
    let (s, g) = (SURNAMES.len(), pool.len());
    // Distinct offsets per gender/length keep neighbouring members' surnames uncorrelated.
    let (off2, off3) = if female { (1_234, 31_337) } else { (777, 12_345) };
    let mut name = String::with_capacity(9);
    if ordinal % 5 == 4 {
        let code = permute(ordinal / 5, s * g, off2);
        name.push_str(SURNAMES[code % s]);
        name.push_str(pool[code / s]);
    } else {
        let code = permute(ordinal, s * g * (g - 1), off3);
        let first = (code / s) % g;
        name.push_str(SURNAMES[code % s]);
        name.push_str(pool[first]);
        name.push_str(pool[(first + 1 + code / (s * g)) % g]); // never repeats `first`
    }
    name
}

/// Party by weighted bucket: ~38% 中共, ~34% democratic parties, 10% 无党派, 18% 群众.
fn party_for(index: usize) -> usize {
    // Leadership: chair and secretary-general are CPC; vice-chairs are mixed.
    const LEADERS: [usize; 9] = [0, 0, 0, 2, 3, 5, 7, 9, 0];
    if index < LEADERS.len() {
        return LEADERS[index];
    }
    const BUCKETS: [(u64, usize); 11] = [(38, 0), (42, 1), (48, 2), (53, 3), (58, 4), (62, 5), (66, 6), (71, 7), (72, 8), (82, 9), (100, 10)];
    let roll = hash(index, 1) % 100;
    BUCKETS.iter().find(|(upper, _)| roll < *upper).map_or(10, |&(_, p)| p)
}

fn sector_for(index: usize, party: usize, female: bool) -> usize {
    let h = hash(index, 2);
    let (roll, pick) = (h % 100, (h / 100) as usize);
    let jie = SECTOR_JIE_FIRST + pick % SECTOR_JIE_COUNT;
    let sector = match party {
        _ if index <= 8 && party != 0 => party, // democratic-party / non-party vice-chairs
        0 if index <= 8 => SECTOR_ZHONGGONG,
        0 if roll < 30 => SECTOR_ZHONGGONG,
        0 if roll < 85 => SECTOR_PEOPLE_FIRST + pick % 17, // people's orgs + 界
        0 => SECTOR_SPECIAL,
        1..=8 if roll < 80 => party,
        1..=8 => jie,
        9 if roll < 60 => SECTOR_NON_PARTY,
        9 => jie,
        _ if roll < 16 => SECTOR_HK,
        _ if roll < 25 => SECTOR_MACAO,
        _ if roll < 30 => SECTOR_SPECIAL,
        _ => SECTOR_PEOPLE_FIRST + pick % 17,
    };
    let civic = (party == 0 || party == 10) && (SECTOR_PEOPLE_FIRST..SECTOR_HK).contains(&sector);
    match sector {
        SECTOR_WOMEN if !female => jie,
        _ if female && civic && (pick / 17).is_multiple_of(3) => SECTOR_WOMEN,
        _ => sector,
    }
}

/// Deterministic demo member for `index` (any `usize`; same index → same member).
pub fn member(index: usize) -> DemoMember {
    let (female, ordinal) = gender_and_ordinal(index);
    let party = party_for(index);
    let sector_index = sector_for(index, party, female);
    let h = hash(index, 3);
    let birth_year = if index <= 8 { 1962 + (h % 10) as i32 } else { 1960 + (h % 31) as i32 };
    let town_index = (hash(index, 4) % TOWNS.len() as u64) as usize;

    let hc = hash(index, 5);
    let n = SPECIAL_COMMITTEES.len();
    let first = (hc / 3 % n as u64) as usize;
    let second = (first + 1 + (hc / 27 % (n as u64 - 1)) as usize) % n;
    let special_committee_indexes = match hc % 3 {
        0 => vec![],
        1 => vec![first],
        _ => vec![first, second],
    };

    let mut roles = match index {
        0 => vec!["chair", "standing"],
        1..=7 => vec!["vice_chair", "standing"],
        8 => vec!["secretary_general", "standing"],
        _ if hash(index, 6).is_multiple_of(6) => vec!["standing"],
        _ => vec![],
    };
    roles.push("member");

    // 139 + 8 digits; multiplier coprime with 10^8, so unique for every index < 10^8.
    let digits = (index as u64 % 100_000_000 * 48_271 + 20_250_101) % 100_000_000;

    DemoMember {
        name: name_for(female, ordinal),
        gender: if female { "female" } else { "male" },
        birth_year,
        party: PARTIES[party],
        sector_index,
        town_index,
        special_committee_indexes,
        roles,
        hk_macao: sector_index == SECTOR_HK || sector_index == SECTOR_MACAO,
        phone: format!("139{digits:08}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_of_the_first_320_members_are_unique() {
        let names: HashSet<String> = (0..MEMBER_COUNT).map(|i| member(i).name).collect();
        assert_eq!(names.len(), MEMBER_COUNT);
    }

    #[test]
    fn names_stay_unique_well_beyond_the_demo_size() {
        let names: HashSet<String> = (0..20_000).map(|i| member(i).name).collect();
        assert_eq!(names.len(), 20_000);
    }

    #[test]
    fn towns_are_exactly_24() {
        assert_eq!(TOWNS.len(), 24);
        assert_eq!(TOWNS.iter().collect::<HashSet<_>>().len(), 24);
    }

    #[test]
    fn units_are_exactly_60() {
        assert_eq!(UNITS.len(), 60);
        assert_eq!(UNITS.iter().collect::<HashSet<_>>().len(), 60);
    }

    #[test]
    fn tables_have_the_expected_shape() {
        assert_eq!(SECTORS.len(), 30);
        assert_eq!(SECTORS.iter().collect::<HashSet<_>>().len(), 30);
        assert_eq!(SPECIAL_COMMITTEES.len(), 9);
        assert_eq!(SECTORS[SECTOR_HK], "特邀香港人士");
        assert_eq!(SECTORS[SECTOR_MACAO], "特邀澳门人士");
        assert_eq!(SECTORS[SECTOR_SPECIAL], "特别邀请人士");
        assert_eq!(SECTORS[SECTOR_WOMEN], "妇联");
        assert_eq!(ORGANIZATIONS.iter().filter(|(_, k)| *k == "party").count(), 8);
        assert!(ORGANIZATIONS.iter().all(|(_, k)| ["party", "people", "other"].contains(k)));
        assert_eq!(TERMS.last().map(|t| t.0), Some(13));
        assert!(SESSIONS.iter().all(|s| s.0 == 13 && s.2.len() == 10));
    }

    #[test]
    fn every_member_sector_index_and_town_index_are_in_range() {
        for i in 0..MEMBER_COUNT {
            let m = member(i);
            assert!(m.sector_index < SECTORS.len(), "index {i}");
            assert!(m.town_index < TOWNS.len(), "index {i}");
            assert!(m.special_committee_indexes.len() <= 2);
            assert!(m.special_committee_indexes.iter().all(|&c| c < SPECIAL_COMMITTEES.len()));
            if let [a, b] = m.special_committee_indexes[..] {
                assert_ne!(a, b, "index {i}");
            }
            assert!((1960..=1990).contains(&m.birth_year));
            assert!(m.roles.contains(&"member"));
            assert!((2..=3).contains(&m.name.chars().count()), "index {i}");
            assert_eq!(m.hk_macao, SECTORS[m.sector_index].starts_with("特邀"));
        }
    }

    #[test]
    fn democratic_party_members_usually_sit_in_their_party_sector() {
        let members: Vec<_> = (0..MEMBER_COUNT).map(member).collect();
        for (p, label) in PARTIES.iter().enumerate().take(9).skip(1) {
            let of_party: Vec<_> = members.iter().filter(|m| m.party == *label).collect();
            let in_sector = of_party.iter().filter(|m| m.sector_index == p).count();
            assert!(in_sector * 2 >= of_party.len(), "{label}");
            assert!(of_party.iter().all(|m| m.sector_index == p || m.sector_index >= 17));
        }
        assert!(members.iter().filter(|m| m.sector_index == 0).all(|m| m.party == "中共党员"));
        assert!(members.iter().any(|m| m.hk_macao));
        assert!(members.iter().filter(|m| m.sector_index == SECTOR_WOMEN).all(|m| m.gender == "female"));
    }

    #[test]
    fn generation_is_deterministic() {
        for i in [0, 1, 8, 9, 319, 12_345, 99_999] {
            assert_eq!(member(i), member(i));
        }
    }

    #[test]
    fn phones_are_unique_fictitious_139_numbers() {
        let phones: HashSet<String> = (0..10_000).map(|i| member(i).phone).collect();
        assert_eq!(phones.len(), 10_000);
        assert!(phones.iter().all(|p| p.len() == 11 && p.starts_with("139") && p.bytes().all(|b| b.is_ascii_digit())));
    }

    #[test]
    fn index_0_is_the_chair() {
        let chair = member(0);
        assert_eq!(chair.roles, vec!["chair", "standing", "member"]);
        assert_eq!(chair.party, "中共党员");
        for i in 1..=7 {
            assert!(member(i).roles.contains(&"vice_chair"));
        }
        assert!(member(8).roles.contains(&"secretary_general"));
        let rest = 9..MEMBER_COUNT;
        assert!(rest.clone().all(|i| !member(i).roles.iter().any(|r| r.contains("chair"))));
        let standing = rest.filter(|&i| member(i).roles.contains(&"standing")).count();
        assert!((30..=80).contains(&standing), "{standing}");
        let women = (0..MEMBER_COUNT).filter(|&i| member(i).gender == "female").count();
        assert_eq!(women, 96);
    }
}
