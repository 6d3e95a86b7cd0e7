//! NUID format, determinism and uniqueness, including across roll-overs on many threads.
#![cfg(not(any(loom, shuttle)))]

use account_events::nuid::{ID_LEN, MAX_SEQ, Nuid, NuidKey, SequentialNuid, Taken};
use account_events::sync::Arc;
use std::collections::HashSet;

#[test]
fn id_format_matches_nats() {
    let nuid = Nuid::new(NuidKey::from_entropy(), 4);
    for stripe in 0..4 {
        let (id, _) = nuid.next_id(stripe);
        assert_eq!(id.as_str().len(), ID_LEN);
        assert!(id.is_well_formed(MAX_SEQ), "{id}");
        assert!(
            id.as_str().bytes().all(|b| b.is_ascii_alphanumeric()),
            "{id}"
        );
    }
}

#[test]
fn sequence_steps_within_nats_bounds() {
    let mut nuid = SequentialNuid::new(NuidKey::from_seed(11));
    let (first, _) = nuid.next_id();
    let (second, _) = nuid.next_id();

    assert_eq!(first.prefix(), second.prefix());
    let step = second.sequence().unwrap() - first.sequence().unwrap();
    assert!((33..=332).contains(&step), "step {step}");
}

/// Every epoch draws its own step: check the bounds over many epochs, not one.
#[test]
fn steps_within_bounds_every_epoch() {
    let mut nuid = SequentialNuid::new(NuidKey::from_seed(12).with_max_seq(4000));
    let mut previous = nuid.next_id().0;
    let mut steps = 0;
    for _ in 0..5000 {
        let (id, _) = nuid.next_id();
        if id.prefix() == previous.prefix() {
            let step = id.sequence().unwrap() - previous.sequence().unwrap();
            assert!((33..=332).contains(&step), "step {step} after {previous}");
            steps += 1;
        }
        previous = id;
    }
    assert!(
        steps > 1000,
        "only {steps} steps within an epoch were checked"
    );
}

#[test]
fn key_reports_max_seq() {
    assert_eq!(NuidKey::from_seed(1).max_seq(), MAX_SEQ);
    assert_eq!(NuidKey::from_seed(1).with_max_seq(32).max_seq(), 32);
}

#[test]
fn seeded_keys_repeat() {
    let a = Nuid::new(NuidKey::from_seed(5), 2);
    let b = Nuid::new(NuidKey::from_seed(5), 2);
    assert_eq!(a.next_id(1).0, b.next_id(1).0);
}

#[test]
fn rollover_changes_prefix() {
    let mut nuid = SequentialNuid::new(NuidKey::from_seed(2).with_max_seq(32));
    let (first, _) = nuid.next_id();
    let (second, taken) = nuid.next_id();

    assert_eq!(taken, Taken::RolledOver);
    assert_ne!(first.prefix(), second.prefix());
    assert!(second.is_well_formed(32), "{second}");
}

#[test]
fn ids_unique_across_threads_and_rollovers() {
    // About 55 ids per epoch: roughly 70 roll-overs per stripe, well below the 256 epochs after
    // which a stripe's prefixes repeat.
    let nuid = Arc::new(Nuid::new(NuidKey::from_seed(9).with_max_seq(20_000), 2));
    let threads: Vec<_> = (0..4)
        .map(|thread| {
            let nuid = nuid.clone();
            std::thread::spawn(move || {
                (0..2_000)
                    .map(|_| nuid.next_id(thread % 2))
                    .collect::<Vec<_>>()
            })
        })
        .collect();

    let mut seen = HashSet::new();
    let mut rollovers = 0;
    for thread in threads {
        for (id, taken) in thread.join().unwrap() {
            assert!(id.is_well_formed(20_000), "{id}");
            assert!(seen.insert(id), "duplicate id {id}");
            rollovers += usize::from(taken != Taken::Fast);
        }
    }
    assert!(
        rollovers > 100,
        "only {rollovers} roll-overs: the test did not exercise them"
    );
}

#[test]
#[should_panic(expected = "invalid NUID max_seq 0")]
fn zero_max_seq_panics() {
    let _ = NuidKey::from_seed(1).with_max_seq(0);
}

/// The epoch field has 8 bits: after 256 roll-overs a stripe's prefixes repeat. At the real
/// sequence space that takes about 6 * 10^17 ids; with a shrunk one it comes quickly, so models
/// must stay below 256 roll-overs per stripe.
#[test]
fn prefix_repeats_after_256_epochs() {
    let mut nuid = SequentialNuid::new(NuidKey::from_seed(4).with_max_seq(32));
    let ids: Vec<_> = (0..257).map(|_| nuid.next_id().0).collect();

    let distinct: HashSet<_> = ids[..256].iter().map(|id| id.prefix().to_owned()).collect();
    assert_eq!(distinct.len(), 256);
    assert_eq!(ids[0].prefix(), ids[256].prefix());
}
