//! The reference model: a plain sequential server with the same operations.
//!
//! It keeps accounts, clients by kind, counts, versions, heartbeat state, removal and shutdown in
//! ordinary maps, with no concurrency at all. Run on one thread, every design must return what
//! the model returns, call by call, and publish the events the model publishes, in order. Ids and
//! timestamps are left out of the comparison: they are random by design.

use std::collections::BTreeMap;

use crate::account::GLOBAL_ACCOUNT;
use crate::client::{ClientId, ClientKind};
use crate::design::Delivery;
use crate::error::Error;
use crate::event::{AccountConnsEvent, AccountName, Counts};
use crate::spec::record::CallOutcome;
use crate::spec::scenario::Op;

/// What a call returned, with ids left out so that designs and the model can be compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A change succeeded with this version and fate of its event.
    Updated {
        /// Version after the change.
        version: u64,
        /// Fate of the event: `Some(version)` if one was accepted, `None` for `$G`.
        event_version: Option<u64>,
    },
    /// The call failed.
    Failed(Error),
    /// A call without a value returned.
    Done,
    /// A lock-free read returned these counts.
    Counts(Counts),
    /// A heartbeat firing returned: `Some(version)` if it published, `None` if nothing was armed.
    Fired(Option<u64>),
}

impl Expected {
    /// Normalizes a recorded outcome. Returns `None` for outcomes that a sequential run never
    /// produces (merged, dropped, rejected, fenced or stale deliveries).
    pub fn from_outcome(outcome: &CallOutcome) -> Option<Expected> {
        let event_version = |delivery: Delivery| match delivery {
            Delivery::Accepted { version, .. } => Some(Some(version)),
            Delivery::GlobalAccount => Some(None),
            _ => None,
        };
        Some(match outcome {
            CallOutcome::Updated(update) => Expected::Updated {
                version: update.version,
                event_version: event_version(update.delivery)?,
            },
            CallOutcome::Failed(error) => Expected::Failed(error.clone()),
            CallOutcome::Done => Expected::Done,
            CallOutcome::Counts(counts) => Expected::Counts(*counts),
            CallOutcome::Fired(None) => Expected::Fired(None),
            CallOutcome::Fired(Some(delivery)) => Expected::Fired(event_version(*delivery)?),
        })
    }
}

/// An event as the model publishes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedEvent {
    /// Account of the event.
    pub account: AccountName,
    /// Counts it carries.
    pub counts: Counts,
    /// Version it carries.
    pub version: u64,
}

impl From<&AccountConnsEvent> for ExpectedEvent {
    fn from(event: &AccountConnsEvent) -> Self {
        ExpectedEvent {
            account: event.account.clone(),
            counts: event.counts,
            version: event.version,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct ModelAccount {
    clients: BTreeMap<u64, ClientKind>,
    counts: Counts,
    internal: u32,
    version: u64,
    heartbeat_armed: bool,
    removed: bool,
}

/// The sequential reference server.
#[derive(Clone, Debug)]
pub struct ReferenceServer {
    accounts: BTreeMap<AccountName, ModelAccount>,
    shut_down: bool,
    events: Vec<ExpectedEvent>,
}

impl ReferenceServer {
    /// Creates a model with `$G` and the given accounts.
    pub fn new(accounts: &[AccountName]) -> Self {
        let mut all = BTreeMap::new();
        all.insert(AccountName::from(GLOBAL_ACCOUNT), ModelAccount::default());
        for name in accounts {
            all.insert(name.clone(), ModelAccount::default());
        }
        ReferenceServer {
            accounts: all,
            shut_down: false,
            events: Vec::new(),
        }
    }

    /// Events published so far, in order.
    pub fn events(&self) -> &[ExpectedEvent] {
        &self.events
    }

    /// Counts of an account (live or removed).
    pub fn counts(&self, account: &AccountName) -> Option<Counts> {
        self.accounts.get(account).map(|model| model.counts)
    }

    /// Names of the accounts with an armed heartbeat, sorted.
    pub fn armed_heartbeats(&self) -> Vec<AccountName> {
        self.accounts
            .iter()
            .filter(|(_, model)| model.heartbeat_armed)
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Applies one operation and returns what the server must return.
    ///
    /// # Panics
    ///
    /// Panics if `op` names an account that was never registered, as the scenario runner does.
    pub fn apply(&mut self, op: &Op) -> Expected {
        match op {
            Op::Add {
                account,
                client,
                kind,
            } => self.change(account, *client, Some(*kind)),
            Op::Remove { account, client } => self.change(account, *client, None),
            Op::RemoveAccount { account } => self.remove_account(account),
            Op::ReadCounts { account } => Expected::Counts(self.model(account).counts),
            Op::FireHeartbeat { account } => self.fire(account),
            Op::Flush => Expected::Done,
            Op::Shutdown => {
                self.shut_down = true;
                for model in self.accounts.values_mut() {
                    model.heartbeat_armed = false;
                }
                Expected::Done
            }
        }
    }

    fn model(&self, account: &AccountName) -> &ModelAccount {
        self.accounts
            .get(account)
            .unwrap_or_else(|| panic!("operation names unregistered account {account:?}"))
    }

    fn change(&mut self, account: &AccountName, client: u64, kind: Option<ClientKind>) -> Expected {
        if self.shut_down {
            return Expected::Failed(Error::ShutDown);
        }
        let model = self.model(account);
        if model.removed {
            return Expected::Failed(Error::AccountRemoved {
                account: account.to_string(),
            });
        }

        let model = self.accounts.get_mut(account).expect("checked above");
        let (kind, added) = match kind {
            Some(_) if model.clients.contains_key(&client) => {
                return Expected::Failed(Error::DuplicateClient {
                    account: account.to_string(),
                    client: ClientId(client),
                });
            }
            Some(kind) => {
                model.clients.insert(client, kind);
                (kind, true)
            }
            None => match model.clients.remove(&client) {
                Some(kind) => (kind, false),
                None => {
                    return Expected::Failed(Error::UnknownClient {
                        account: account.to_string(),
                        client: ClientId(client),
                    });
                }
            },
        };

        let mut tallied = (model.counts, model.internal);
        crate::spec::check::tally(&mut tallied, kind, added);
        (model.counts, model.internal) = tallied;
        model.version += 1;
        let version = model.version;
        let event_version = self.publish(account);
        Expected::Updated {
            version,
            event_version,
        }
    }

    /// Publishes the account's counts unless it is `$G`, deciding its heartbeat.
    fn publish(&mut self, account: &AccountName) -> Option<u64> {
        if &**account == GLOBAL_ACCOUNT {
            return None;
        }
        let model = self
            .accounts
            .get_mut(account)
            .expect("publish of a known account");
        model.heartbeat_armed = model.counts.total_conns > 0;
        self.events.push(ExpectedEvent {
            account: account.clone(),
            counts: model.counts,
            version: model.version,
        });
        Some(model.version)
    }

    fn remove_account(&mut self, account: &AccountName) -> Expected {
        if &**account == GLOBAL_ACCOUNT {
            return Expected::Failed(Error::GlobalAccountRemoval);
        }
        match self.accounts.get_mut(account) {
            Some(model) if !model.removed => {
                model.removed = true;
                model.heartbeat_armed = false;
                Expected::Done
            }
            _ => Expected::Failed(Error::UnknownAccount {
                account: account.to_string(),
            }),
        }
    }

    fn fire(&mut self, account: &AccountName) -> Expected {
        let model = self.model(account);
        if !model.heartbeat_armed || self.shut_down {
            return Expected::Fired(None);
        }
        Expected::Fired(self.publish(account))
    }
}
