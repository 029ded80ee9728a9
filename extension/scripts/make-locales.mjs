// Writes public/_locales/{en,zh_CN}/messages.json from the table below (one place to keep both
// languages side by side). `$1`..`$9` become named placeholders, which is what Chrome's format wants.
// Run from the repository root: node extension/scripts/make-locales.mjs
import { mkdirSync, writeFileSync } from "node:fs";

/** key: [English, Simplified Chinese] */
const MESSAGES = {
  extName: ["Clockwork", "Clockwork 考勤"],
  extDescription: ["Clock in and out with a passkey-signed punch.", "使用通行密钥签名，一键上下班打卡。"],
  commandPunch: ["Open Clockwork to clock in or out", "打开 Clockwork 进行上下班打卡"],

  // Enrolment
  enrolTitle: ["Set up Clockwork", "设置 Clockwork"],
  enrolIntro: [
    "Your employer gave you a server address and a one-time enrolment code. Enter them to create a passkey that signs your punches on this device.",
    "您的雇主已向您提供服务器地址和一次性注册码。输入后，将在本设备上创建用于签名打卡记录的通行密钥。",
  ],
  managedBy: ["Managed by $1", "由 $1 管理"],
  serverUrl: ["Server URL", "服务器地址"],
  serverUrlHint: ["For example https://clockwork.example.com", "例如 https://clockwork.example.com"],
  serverFixed: ["Server: $1 (set by your IT department)", "服务器：$1（由 IT 部门设置）"],
  enrolmentCode: ["Enrolment code", "注册码"],
  enrolmentCodeHint: ["Valid once, for 72 hours.", "仅可使用一次，有效期 72 小时。"],
  deviceLabel: ["Device name", "设备名称"],
  consentTitle: ["What Clockwork records", "Clockwork 会记录什么"],
  consentIntro: ["Each time you clock in or out, your employer receives:", "每次上下班打卡时，您的雇主会收到："],
  consentTime: ["the time of the punch;", "打卡时间；"],
  consentIp: ["the IP address your computer uses;", "您的电脑使用的 IP 地址；"],
  consentLocation: ["your location, only if you allow it in the browser;", "您的位置（仅当您在浏览器中允许时）；"],
  consentDevice: ["which device signed the punch (this browser's passkey).", "签名打卡的设备（本浏览器中的通行密钥）。"],
  consentNothingElse: ["Nothing is recorded between punches.", "两次打卡之间不会记录任何信息。"],
  consentCheckbox: [
    "I understand and agree that this is recorded when I clock in or out.",
    "我已了解并同意在上下班打卡时记录上述信息。",
  ],
  enrolButton: ["Enrol", "注册"],
  enrolling: ["Creating your passkey…", "正在创建通行密钥…"],
  enrolDone: ["You are enrolled as $1. Clock in from the Clockwork button in the toolbar (Alt+Shift+K).", "您已注册为 $1。请通过工具栏中的 Clockwork 按钮（Alt+Shift+K）打卡。"],
  errCodeInvalid: [
    "This enrolment code is unknown, already used or expired. Ask your administrator for a new one.",
    "此注册码无效、已被使用或已过期。请向管理员申请新的注册码。",
  ],
  errNetwork: [
    "The server could not be reached. Check the server URL and your connection, then try again.",
    "无法连接服务器。请检查服务器地址和网络连接，然后重试。",
  ],
  errPasskeyCancelled: [
    "No passkey was created: the prompt was cancelled or timed out. Click Enrol to try again.",
    "未创建通行密钥：提示已取消或超时。请点击“注册”重试。",
  ],
  errDeviceLimit: [
    "You already have the maximum number of devices. Ask your administrator to remove an old one.",
    "您的设备数量已达上限。请让管理员移除一台旧设备。",
  ],
  errRateLimited: ["Too many attempts. Wait a few minutes, then try again.", "尝试次数过多。请等待几分钟后重试。"],
  errRegistration: [
    "The server did not accept the new passkey. Try again; if it keeps failing, tell your administrator.",
    "服务器未接受新的通行密钥。请重试；如果仍然失败，请联系管理员。",
  ],
  errOriginNotAllowed: [
    "This server does not accept this extension. Tell your administrator (EXTENSION_ORIGINS).",
    "此服务器不接受本扩展程序。请联系管理员（EXTENSION_ORIGINS）。",
  ],
  errServerUrl: [
    "Enter the server address, starting with https:// (http:// only for localhost).",
    "请输入以 https:// 开头的服务器地址（仅 localhost 可使用 http://）。",
  ],
  errCodeEmpty: ["Enter the enrolment code.", "请输入注册码。"],
  errConsent: ["Tick the box to agree before you enrol.", "注册前请勾选同意。"],
  errGeneric: ["Something went wrong: $1", "出现问题：$1"],

  // Options
  optionsTitle: ["Clockwork settings", "Clockwork 设置"],
  enrolledAs: ["Enrolled as $1", "已注册为 $1"],
  enrolledDetails: ["Device “$1” on $2, since $3.", "设备“$1”，服务器 $2，注册于 $3。"],
  reenrol: ["Enrol again", "重新注册"],
  reenrolHint: [
    "With a new code from your administrator, for example after this device's passkey was revoked.",
    "使用管理员提供的新注册码，例如在本设备的通行密钥被撤销之后。",
  ],
  cancel: ["Cancel", "取消"],
  remindersTitle: ["Reminders", "提醒"],
  remindersEnabled: ["Remind me to clock in and out", "提醒我上下班打卡"],
  remindersForcedOn: ["Reminders are turned on by your IT department.", "提醒已由 IT 部门开启。"],
  remindersForcedOff: ["Reminders are turned off by your IT department.", "提醒已由 IT 部门关闭。"],
  startTime: ["Start of work", "上班时间"],
  endTime: ["End of work", "下班时间"],
  workdays: ["Workdays", "工作日"],
  followCompany: ["Use my company's working hours", "使用公司的工作时间"],
  remindersZone: ["Times are in your schedule's time zone, $1.", "时间按您排班的时区（$1）计算。"],
  save: ["Save", "保存"],
  saved: ["Saved.", "已保存。"],
  languageTitle: ["Language", "语言"],
  languageAuto: ["Browser language", "跟随浏览器"],
  languageLocked: ["The language is set by your IT department.", "语言由 IT 部门设置。"],

  // Popup
  notEnrolled: ["This browser is not set up for Clockwork yet.", "本浏览器尚未设置 Clockwork。"],
  openSettings: ["Settings", "设置"],
  stateIn: ["In since $1", "自 $1 起已上班"],
  stateOut: ["Out", "已下班"],
  stateOutSince: ["Out since $1", "自 $1 起已下班"],
  workedToday: ["Worked today: $1", "今日工作：$1"],
  durationHM: ["$1 h $2 min", "$1 小时 $2 分钟"],
  durationM: ["$1 min", "$1 分钟"],
  // Today's standing (keys named in components/format.ts, one per day status)
  standing_present: ["On time", "准时"],
  standing_late: ["Late by $1", "迟到 $1"],
  standing_early_leave: ["Left $1 early", "早退 $1"],
  standing_absent: ["Absent", "缺勤"],
  standing_incomplete: ["Missing a clock-out", "缺少下班打卡"],
  standing_holiday: ["Holiday", "节假日"],
  standing_rest_day: ["Rest day", "休息日"],
  standing_scheduled: ["Not clocked in yet", "尚未上班打卡"],
  clockIn: ["Clock in", "上班打卡"],
  clockOut: ["Clock out", "下班打卡"],
  stepLocating: ["Reading your location…", "正在读取位置…"],
  stepSigning: ["Confirm with your passkey…", "请使用通行密钥确认…"],
  stepSending: ["Sending…", "正在发送…"],
  verdictAccepted: ["Clocked $1 at $2. Accepted.", "$2 $1打卡成功，已接受。"],
  verdictFlagged: ["Clocked $1 at $2. Recorded, but flagged for review: $3.", "$2 $1打卡已记录，但被标记待审核：$3。"],
  verdictRejected: ["Clocked $1 at $2, but rejected: $3. It does not count; talk to your manager.", "$2 $1打卡被拒绝：$3。此打卡不计入，请联系您的主管。"],
  verdictQueued: ["No connection. Your punch ($1 at $2) is saved on this device and will be sent automatically.", "无网络连接。您的打卡（$2 $1）已保存在本设备上，将自动发送。"],
  verdictRefused: ["The server refused the punch: $1", "服务器拒绝了此打卡：$1"],
  kindInWord: ["in", "上班"],
  kindOutWord: ["out", "下班"],
  receiptKept: ["Receipt saved.", "回执已保存。"],
  refusedCREDENTIAL_REVOKED: ["this device's passkey was revoked. Enrol again with a new code.", "本设备的通行密钥已被撤销。请使用新注册码重新注册。"],
  refusedCREDENTIAL_UNKNOWN: ["the server does not know this device. Enrol again.", "服务器无法识别本设备。请重新注册。"],
  refusedASSERTION_INVALID: ["the passkey signature was not accepted.", "通行密钥签名未被接受。"],
  refusedCLOCK_OUT_OF_RANGE: ["the punch time is too far from now (check your computer's clock).", "打卡时间与当前时间相差太大（请检查电脑时钟）。"],
  refusedPUNCH_ID_CONFLICT: ["a different punch with the same ID already exists.", "已存在相同 ID 的另一条打卡记录。"],
  refusedVALIDATION_FAILED: ["the punch was malformed.", "打卡数据格式错误。"],
  passkeyCancelledPunch: ["The passkey prompt was cancelled. Nothing was recorded.", "通行密钥提示已取消，未记录任何内容。"],
  passkeyWindowOpened: ["Finish the passkey prompt in the Clockwork window.", "请在 Clockwork 窗口中完成通行密钥确认。"],
  reason_offline: ["sent while offline", "离线时发送"],
  reason_clock_skew: ["your computer's clock differs from the server's", "电脑时钟与服务器时间不一致"],
  reason_outside_geofence: ["outside the allowed work locations", "不在允许的工作地点范围内"],
  reason_no_location: ["no location was available", "无法获取位置"],
  reason_low_accuracy: ["the location was too imprecise", "位置精度过低"],
  reason_ip_not_allowed: ["from a network that is not allowed", "来自不允许的网络"],
  reason_country_not_allowed: ["from a country that is not allowed", "来自不允许的国家或地区"],
  reason_ip_location_mismatch: ["the network's location and the browser's location disagree", "网络位置与浏览器位置不一致"],
  reason_impossible_travel: ["too far from your previous punch for the time between them", "与上一次打卡的距离和时间间隔不符"],
  reason_outside_window: ["outside your working-time window", "不在允许的打卡时间段内"],
  reason_duplicate_kind: ["same kind as your previous punch", "与上一次打卡类型相同"],
  reason_synced_passkey: ["made with a synced passkey", "使用了同步的通行密钥"],
  reason_counter_regression: ["passkey counter lower than on an earlier punch", "通行密钥计数器低于之前的打卡"],
  queueWaiting: ["Waiting to be sent: $1", "等待发送：$1"],
  queueNone: ["All punches sent.", "所有打卡均已发送。"],
  lastSync: ["Last sync: $1", "上次同步：$1"],
  lastSyncNever: ["Not synced yet.", "尚未同步。"],
  syncNow: ["Send now", "立即发送"],
  attentionTitle: ["Needs attention", "需要处理"],
  attentionIntro: ["The server did not accept these punches. Nothing was dropped: retry or dismiss each one.", "服务器未接受以下打卡。没有任何记录被丢弃：请逐条重试或忽略。"],
  dismiss: ["Dismiss", "忽略"],
  retry: ["Retry", "重试"],
  dismissItem: ["Dismiss the punch $1 at $2", "忽略 $2 的$1打卡"],
  retryItem: ["Retry the punch $1 at $2", "重试 $2 的$1打卡"],
  historyTitle: ["Last 14 days", "最近 14 天"],
  showHistory: ["History", "历史记录"],
  hideHistory: ["Hide history", "隐藏历史记录"],
  historyOffline: ["Offline: showing the receipts saved on this device.", "离线：显示本设备上保存的回执。"],
  historyEmpty: ["No punches in the last 14 days.", "最近 14 天没有打卡记录。"],
  historyLoading: ["Loading…", "加载中…"],
  kindIn: ["In", "上班"],
  kindOut: ["Out", "下班"],
  status_accepted: ["Accepted", "已接受"],
  status_flagged: ["Flagged", "待审核"],
  status_rejected: ["Rejected", "已拒绝"],
  status_waiting: ["Waiting", "等待发送"],
  modeOffline: ["sent later", "延后发送"],
  exportReceipts: ["Export receipts (JSON)", "导出回执（JSON）"],

  // Toolbar badge titles (keys named in utils/badge.ts)
  badgeNotEnrolled: ["Clockwork: not set up", "Clockwork：尚未设置"],
  badgeAttention: ["Clockwork: $1 punch(es) need your attention", "Clockwork：$1 条打卡需要处理"],
  badgeWaiting: ["Clockwork: $1 punch(es) waiting to be sent", "Clockwork：$1 条打卡等待发送"],
  badgeIn: ["Clockwork: clocked in", "Clockwork：已上班"],
  badgeOut: ["Clockwork: clocked out", "Clockwork：已下班"],

  // Passkey window
  passkeyWindowTitle: ["Clockwork: confirm with your passkey", "Clockwork：使用通行密钥确认"],
  passkeyWindowIn: ["Confirm with your passkey to clock in.", "请使用通行密钥确认上班打卡。"],
  passkeyWindowOut: ["Confirm with your passkey to clock out.", "请使用通行密钥确认下班打卡。"],
  closeWindow: ["Close", "关闭"],

  // Notifications
  reminderStartTitle: ["Time to clock in", "该上班打卡了"],
  reminderStartBody: ["Your workday starts at $1. Press Alt+Shift+K to clock in.", "您的工作日从 $1 开始。按 Alt+Shift+K 打卡。"],
  reminderEndTitle: ["Time to clock out", "该下班打卡了"],
  reminderEndBody: ["Your workday ends at $1. Press Alt+Shift+K to clock out.", "您的工作日在 $1 结束。按 Alt+Shift+K 打卡。"],
};

function entry(text) {
  const placeholders = {};
  const message = text.replace(/\$([1-9])/g, (_, n) => {
    placeholders[`p${n}`] = { content: `$${n}` };
    return `$P${n}$`;
  });
  return Object.keys(placeholders).length ? { message, placeholders } : { message };
}

for (const [index, locale] of [[0, "en"], [1, "zh_CN"]]) {
  const out = {};
  for (const [key, texts] of Object.entries(MESSAGES)) out[key] = entry(texts[index]);
  const dir = new URL(`../public/_locales/${locale}/`, import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("messages.json", dir), JSON.stringify(out, null, 2) + "\n");
}
