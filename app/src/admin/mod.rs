//! The maintainers' area without its platform: the rules and the file formats of `/admin`,
//! decided without I/O so they are tested natively.
//!
//! One file per reason to change, every item re-exported here so `app::admin::X` is the one
//! path callers use:
//!
//! * `session` — the session cookie, what D1 keeps of it, the sign-in slow-down.
//! * `device` — the device cookie of a browser that signed in before, and its own slow-down.
//! * `moderation` — the moderation lists, the buttons, the way back, and
//!   the campaign's replies.
//! * `rows` — what the worker loads for the pages, as plain types.
//! * `csv` — the exports, safe to open in a spreadsheet.
//! * `erase` — erasing what is stored for an email address, a phone number or a pledge: the
//!   form, its checks, the rows.
//! * `chart` — the paid-per-day chart, as server-drawn SVG.
//! * `funnel` — the giving funnel's counts: lines, masking, CSV and chart.

mod chart;
mod csv;
mod device;
mod erase;
mod funnel;
mod moderation;
mod rows;
mod session;

pub use chart::{day_of, paid_per_day_svg, CHART_DAYS};
pub use csv::{defused, pledges_csv, volunteers_csv, Csv, BOM};
pub use device::{device_cookie, device_of, new_device, DEVICE_COOKIE, DEVICE_SECS};
pub use erase::{
    parse_id, pledge_in, EraseBy, EraseForm, EraseProblem, Erasure, ErasureKind, Stored,
    StoredCounts, StoredPledge, StoredVolunteer, ERASE_EMAIL_MAX, ERASE_LIST_MAX, ERASE_PLEDGE_MAX,
};
pub use funnel::{
    funnel_csv, funnel_lines, funnel_svg, FunnelLine, FUNNEL_CHART_DAYS, MASKED, MASK_BELOW,
};
pub use moderation::{
    campaign_name, parse_page, reply_body, waited, ActionForm, CommentList, ListPlace, Moderation,
    ReplyProblem, COMMENTS_PER_PAGE,
};
pub use rows::{
    amount, AdminComment, Dashboard, DayTotal, FlaggedEvent, MonthlySummary, PledgeRow,
    StatusTotal, VolunteerRow, WaitingRefund, PAGE_SIZE,
};
pub use session::{
    cleared_session_cookie, is_session_id, session_cookie, session_hash, session_id, sign_in_name,
    wait_after, SlowDown, FREE_FAILURES, MAX_WAIT_SECS, SESSION_COOKIE, SESSION_SECS,
};
