//! The campaign's numbers: tiers, what has been raised, what it has done.
//!
//! The worker reads these from D1 in one batch; the page and `/api/campaign` are both drawn
//! from this one struct, so they can never disagree.

use crate::money::Cents;
use serde::Serialize;

/// A giving tier as stored in D1: its amount and what one gift of it buys, in units the
/// tier's counter counts ("25" women trained per US$50).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tier {
    pub id: String,
    pub amount: Cents,
    pub units: i64,
}

/// Net money designated to one tier, in USD cents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierProgress {
    pub tier: Tier,
    pub net: Cents,
}

impl TierProgress {
    /// Whole gifts' worth funded: floor(net / amount).
    pub fn funded(&self) -> i64 {
        if self.tier.amount.0 <= 0 || self.net.0 <= 0 {
            0
        } else {
            self.net.0 / self.tier.amount.0
        }
    }

    /// What the counter shows: funded gifts times the tier's units.
    pub fn impact(&self) -> i64 {
        self.funded().saturating_mul(self.tier.units)
    }
}

/// A recent paid gift, as the public may see it: a name only where the donor asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Supporter {
    pub name: Option<String>,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    pub goal: Cents,
    pub raised: Cents,
    /// Payments counted: a one-off gift is one, every paid month of a monthly gift another.
    pub gifts: i64,
    /// Monthly gifts active now (paid at least once, not stopped).
    pub monthly: i64,
    pub tiers: Vec<TierProgress>,
    pub recent: Vec<Supporter>,
}

impl Campaign {
    /// Progress towards the goal, 0 to 100 (the bar is full once the goal is met).
    pub fn percent(&self) -> i64 {
        if self.goal.0 <= 0 {
            return 0;
        }
        (self.raised.0.max(0).saturating_mul(100) / self.goal.0).min(100)
    }

    /// The body of `GET /api/campaign`.
    pub fn api(&self, anonymous: &'static str) -> CampaignApi<'_> {
        CampaignApi {
            currency: "usd",
            goal_cents: self.goal.0,
            raised_cents: self.raised.0,
            gifts: self.gifts,
            monthly_supporters: self.monthly,
            tiers: self
                .tiers
                .iter()
                .map(|p| TierApi {
                    id: &p.tier.id,
                    amount_cents: p.tier.amount.0,
                    funded: p.funded(),
                })
                .collect(),
            recent: self
                .recent
                .iter()
                .map(|s| RecentApi {
                    name: s.name.as_deref().unwrap_or(anonymous),
                    at: crate::time::rfc3339(s.at),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct CampaignApi<'a> {
    pub currency: &'static str,
    pub goal_cents: i64,
    pub raised_cents: i64,
    pub gifts: i64,
    pub monthly_supporters: i64,
    pub tiers: Vec<TierApi<'a>>,
    pub recent: Vec<RecentApi<'a>>,
}

#[derive(Serialize)]
pub struct TierApi<'a> {
    pub id: &'a str,
    pub amount_cents: i64,
    pub funded: i64,
}

#[derive(Serialize)]
pub struct RecentApi<'a> {
    pub name: &'a str,
    pub at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier(id: &str, dollars: i64, units: i64) -> Tier {
        Tier {
            id: id.into(),
            amount: Cents::from_dollars(dollars),
            units,
        }
    }

    #[test]
    fn funded_is_floor_of_net_over_amount() {
        let p = TierProgress {
            tier: tier("women-training", 50, 25),
            net: Cents(14_999),
        };
        assert_eq!(p.funded(), 2);
        assert_eq!(p.impact(), 50);
        let none = TierProgress {
            tier: tier("x", 50, 1),
            net: Cents(-100),
        };
        assert_eq!(none.funded(), 0);
    }

    #[test]
    fn percent_is_clamped() {
        let mut c = Campaign {
            goal: Cents(10_000),
            raised: Cents(2_500),
            gifts: 1,
            monthly: 0,
            tiers: vec![],
            recent: vec![],
        };
        assert_eq!(c.percent(), 25);
        c.raised = Cents(50_000);
        assert_eq!(c.percent(), 100);
        c.goal = Cents(0);
        assert_eq!(c.percent(), 0);
    }

    #[test]
    fn api_hides_names_of_anonymous_donors() {
        let c = Campaign {
            goal: Cents(100),
            raised: Cents(50),
            gifts: 2,
            monthly: 1,
            tiers: vec![TierProgress {
                tier: tier("women-radio", 50, 1),
                net: Cents(10_000),
            }],
            recent: vec![
                Supporter { name: None, at: 0 },
                Supporter {
                    name: Some("Dara".into()),
                    at: 60,
                },
            ],
        };
        let json = serde_json::to_value(c.api("Anonymous")).unwrap();
        assert_eq!(json["recent"][0]["name"], "Anonymous");
        assert_eq!(json["recent"][1]["name"], "Dara");
        assert_eq!(json["recent"][1]["at"], "1970-01-01T00:01:00Z");
        assert_eq!(json["tiers"][0]["funded"], 2);
        assert_eq!(json["currency"], "usd");
    }
}
