//! The syllabus topics of `shared/domain.md` §3: the only values a question's `topic` may
//! take, so coverage can be counted and reports grouped.

/// Every syllabus topic, in teaching order.
pub const TOPICS: &[&str] = &[
    "起重机组成与工作原理",
    "主要参数",
    "安全装置",
    "吊钩",
    "钢丝绳",
    "滑轮与卷筒",
    "制动器",
    "吊索具与绑扎",
    "重心与吊物质量",
    "安全操作规程",
    "十不吊",
    "指挥信号",
    "指挥人员职责与站位",
    "操作技术",
    "维护保养与检查",
    "常见故障",
    "事故类型与案例",
    "电气安全与急救",
    "高处作业",
    "消防器材",
    "力学与电工基础",
    "特种设备安全法",
    "作业人员考核与证书",
    "使用登记与定期检验",
    "标准规范",
];

/// Whether `topic` is a syllabus topic.
pub fn is_topic(topic: &str) -> bool {
    TOPICS.contains(&topic)
}
