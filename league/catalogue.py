"""Realistic teams for the demo season and the factories: universities, companies and labs."""
from __future__ import annotations

# (slug, English name, Chinese name, organization, kind, country)
TEAMS = [
    ("shenzhen-dragons", "Shenzhen Dragons", "深圳飞龙", "Southern University of Science and Technology",
     "university", "CN"),
    ("tsinghua-titans", "Tsinghua Titans", "清华泰坦", "Tsinghua University", "university", "CN"),
    ("hku-iron-phoenix", "HKU Iron Phoenix", "港大铁凤凰", "The University of Hong Kong",
     "university", "HK"),
    ("kowloon-kickers", "Kowloon Kickers", "九龙踢手",
     "Hong Kong University of Science and Technology", "university", "HK"),
    ("engineai-works", "EngineAI Works", "众擎工坊", "EngineAI Robotics", "company", "CN"),
    ("engineai-academy", "EngineAI Academy", "众擎学院", "EngineAI Robotics", "company", "CN"),
    ("pearl-river-robotics", "Pearl River Robotics", "珠江机器人", "Pearl River Robotics Ltd.",
     "company", "CN"),
    ("shanghai-sentinels", "Shanghai Sentinels", "上海哨兵", "Shanghai AI Laboratory", "institute", "CN"),
    ("cambridge-circuit", "Cambridge Circuit", "剑桥电路", "University of Cambridge", "university", "GB"),
    ("imperial-impact", "Imperial Impact", "帝国冲击", "Imperial College London", "university", "GB"),
    ("big-apple-bots", "Big Apple Bots", "大苹果机器人", "New York Robotics Institute", "institute", "US"),
    ("carnegie-crushers", "Carnegie Crushers", "卡内基粉碎者", "Carnegie Mellon University",
     "university", "US"),
    ("stanford-striders", "Stanford Striders", "斯坦福阔步", "Stanford University", "university", "US"),
    ("tokyo-tekken", "Tokyo Tekken", "东京铁拳", "The University of Tokyo", "university", "JP"),
    ("seoul-strikers", "Seoul Strikers", "首尔前锋", "KAIST", "university", "KR"),
    ("alpine-guard", "Alpine Guard", "阿尔卑斯卫士", "ETH Zurich", "university", "CH"),
    ("munich-mechanics", "Munich Mechanics", "慕尼黑机械师", "Technical University of Munich",
     "university", "DE"),
    ("zhejiang-lightning", "Zhejiang Lightning", "浙大闪电", "Zhejiang University", "university", "CN"),
    ("lion-city-labs", "Lion City Labs", "狮城实验室", "National University of Singapore",
     "university", "SG"),
    ("northern-lights", "Northern Lights", "北极光", "Aurora Dynamics Inc.", "company", "CA"),
]

# 繁體 names the teams gave themselves; every other team's is proposed from its 简体 name with
# OpenCC by services.team_create (league/zh.py). Kowloon Kickers call themselves 九龍飛腿, not
# the character-for-character 九龍踢手; Hong Kong teams write 鐵 and 鳳凰 as the proposal would.
TEAMS_ZH_HANT = {
    "hku-iron-phoenix": "港大鐵鳳凰",
    "kowloon-kickers": "九龍飛腿",
    "engineai-works": "眾擎工坊",
    "engineai-academy": "眾擎學院",
}

ROBOT_NAMES = ["Thunder", "Granite", "Comet", "Bastion", "Vortex", "Kestrel", "Atlas", "Nova",
               "Ironclad", "Tempest", "Quasar", "Ember", "Glacier", "Monsoon", "Saber", "Talon",
               "Zephyr", "Onyx", "Falcon", "Raptor"]

MEMBER_NAMES = ["Li Wei", "Chen Jing", "Wang Fang", "Zhang Min", "Liu Yang", "Alex Morgan",
                "Sam Patel", "Maria Rossi", "Kenji Sato", "Min-jun Kim", "Lena Vogel", "Omar Haddad",
                "Chloe Martin", "Ravi Kumar", "Ana Silva", "Tom Becker", "Yuki Tanaka", "Grace Ho",
                "Noah Clarke", "Mei Lin"]
