//! NUID event ids, generated without any lock.
//!
//! Format, as in the NATS server: a 12-character prefix followed by a 10-digit sequence, both in
//! base 62 (`0-9A-Za-z`), 22 characters in all. Within one prefix the sequence starts at a random
//! value below the maximum (62^10) and grows by a random step of 33 to 332. When the next value
//! would reach the maximum, the generator rolls over: a new prefix, start and step.
//!
//! ## Lock-free generation
//!
//! A [`Nuid`] has several stripes; each stripe is one atomic word:
//!
//! | bits    | field   | meaning                                                |
//! |---------|---------|--------------------------------------------------------|
//! | 63..56  | `epoch` | how many times this stripe rolled over (wraps at 256)  |
//! | 55..0   | `index` | ids taken in this epoch; the next caller takes `index` |
//!
//! The prefix, start and step of an epoch are not stored: they are derived from a random key, the
//! stripe and the epoch, so a caller needs only the word it incremented. One `fetch_add` takes an
//! id. A caller whose index is past the epoch's capacity takes the slow path, a compare-and-swap
//! from `(epoch, index)` to `(epoch + 1, 1)` that claims index 0 of the next epoch. Exactly one
//! caller wins that swap; the others retry on the new word.
//!
//! ## Why ids are unique
//!
//! - Within an epoch, each index is handed out once (the RMW on one word) and maps to a distinct
//!   sequence value `start + index * step`, below the maximum.
//! - The prefix is a bijective keyed mix of `(stripe, epoch)`, so two epochs or two stripes never
//!   share a prefix. Across servers, prefixes differ because keys are random.
//! - The epoch field wraps after 256 roll-overs. With a random start and an average step of 182,
//!   an epoch holds about 62^10 / 365 = 2.3 * 10^15 ids on average, so a repeat needs about
//!   6 * 10^17 ids from one stripe.

use std::fmt;

use rand::{Rng, SeedableRng, rngs::StdRng};

use crate::sync::atomic::{AtomicU64, Ordering};

/// Base-62 alphabet of NUIDs.
pub const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Characters in the prefix.
pub const PREFIX_LEN: usize = 12;
/// Characters in the sequence.
pub const SEQ_LEN: usize = 10;
/// Characters in an id.
pub const ID_LEN: usize = PREFIX_LEN + SEQ_LEN;
/// Exclusive maximum of the sequence: 62^10.
pub const MAX_SEQ: u64 = 839_299_365_868_340_224;
/// Smallest step between two sequence values.
pub const MIN_STEP: u64 = 33;
/// Largest step between two sequence values.
pub const MAX_STEP: u64 = 332;

const INDEX_BITS: u32 = 56;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;
const EPOCH_MASK: u64 = (1 << (64 - INDEX_BITS)) - 1;

static_assertions::const_assert_eq!(ID_LEN, 22);
static_assertions::const_assert_eq!(MAX_SEQ, 62u64.pow(SEQ_LEN as u32));
// The largest epoch capacity (start 0, step 33) must fit the index field with room for callers
// that overshoot it before one of them rolls the stripe over.
static_assertions::const_assert!(MAX_SEQ / MIN_STEP + 1 < INDEX_MASK / 2);

/// A 22-character NUID.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId([u8; ID_LEN]);

impl EventId {
    /// Returns the id as a string.
    pub fn as_str(&self) -> &str {
        // Every constructor writes only ASCII alphabet bytes.
        std::str::from_utf8(&self.0).unwrap_or("<invalid>")
    }

    /// Returns the 12-character prefix.
    pub fn prefix(&self) -> &str {
        &self.as_str()[..PREFIX_LEN]
    }

    /// Decodes the 10-digit sequence, or `None` if a character is outside the alphabet.
    pub fn sequence(&self) -> Option<u64> {
        self.0[PREFIX_LEN..].iter().try_fold(0u64, |value, &byte| {
            let digit = ALPHABET.iter().position(|&a| a == byte)? as u64;
            Some(value * 62 + digit)
        })
    }

    /// Checks the format: 22 characters of the alphabet and a sequence below `max_seq`.
    pub fn is_well_formed(&self, max_seq: u64) -> bool {
        let alphabet_only = self.0.iter().all(|byte| ALPHABET.contains(byte));
        alphabet_only && self.sequence().is_some_and(|seq| seq < max_seq)
    }

    fn from_parts(prefix: &[u8; PREFIX_LEN], seq: u64) -> Self {
        let mut bytes = [0u8; ID_LEN];
        bytes[..PREFIX_LEN].copy_from_slice(prefix);
        encode_base62(seq, &mut bytes[PREFIX_LEN..]);
        EventId(bytes)
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventId({})", self.as_str())
    }
}

fn encode_base62(mut value: u64, out: &mut [u8]) {
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(value % 62) as usize];
        value /= 62;
    }
}

/// Random key from which every prefix, start and step is derived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NuidKey {
    mix: [u64; 3],
    max_seq: u64,
}

impl NuidKey {
    /// Draws a key from the operating system's entropy source.
    pub fn from_entropy() -> Self {
        Self::from_rng(&mut StdRng::from_os_rng())
    }

    /// Derives a key from a seed, so that models and tests are deterministic.
    pub fn from_seed(seed: u64) -> Self {
        Self::from_rng(&mut StdRng::seed_from_u64(seed))
    }

    fn from_rng(rng: &mut StdRng) -> Self {
        NuidKey {
            mix: [rng.random(), rng.random(), rng.random()],
            max_seq: MAX_SEQ,
        }
    }

    /// Shrinks the sequence space so that roll-overs happen after a few ids.
    ///
    /// Meant for models: with `max_seq` below `MIN_STEP` every epoch holds a single id.
    ///
    /// # Panics
    ///
    /// Panics if `max_seq` is 0 or above [`MAX_SEQ`].
    pub fn with_max_seq(mut self, max_seq: u64) -> Self {
        assert!(
            (1..=MAX_SEQ).contains(&max_seq),
            "invalid NUID max_seq {max_seq}: expected 1..={MAX_SEQ}"
        );
        self.max_seq = max_seq;
        self
    }

    /// Exclusive maximum of the sequence.
    pub fn max_seq(&self) -> u64 {
        self.max_seq
    }

    fn epoch(&self, stripe: usize, epoch: u64) -> Epoch {
        let input = ((stripe as u64) << 32) | epoch;
        let prefix_value = permute(input ^ self.mix[0]);
        let params = permute(input.wrapping_add(self.mix[1]));

        let mut prefix = [0u8; PREFIX_LEN];
        // The first character comes from the key; the other 11 hold the 64-bit permuted value
        // (62^11 > 2^64), so distinct (stripe, epoch) pairs give distinct prefixes.
        prefix[0] = ALPHABET[(self.mix[2] % 62) as usize];
        encode_base62(prefix_value, &mut prefix[1..]);

        let step = MIN_STEP + params % (MAX_STEP - MIN_STEP + 1);
        let start = (params >> 16) % self.max_seq;
        let capacity = (self.max_seq - start).div_ceil(step);
        Epoch {
            prefix,
            start,
            step,
            capacity,
        }
    }
}

/// Bijective mix of a 64-bit value (the murmur3 finalizer; each step is invertible).
fn permute(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

struct Epoch {
    prefix: [u8; PREFIX_LEN],
    start: u64,
    step: u64,
    capacity: u64,
}

impl Epoch {
    fn id(&self, index: u64) -> EventId {
        EventId::from_parts(&self.prefix, self.start + index * self.step)
    }
}

/// Path one call to [`Nuid::next_id`] took, for traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    /// The id came from the current epoch.
    Fast,
    /// This caller rolled the stripe over to a new prefix.
    RolledOver,
    /// This caller found an epoch full but another caller rolled over first, at least once
    /// before this caller got its id.
    RaceLost,
}

/// Lock-free NUID generator with independent stripes.
///
/// Callers that pick different stripes share no cache line. Each stripe is padded to 128 bytes.
#[derive(Debug)]
pub struct Nuid {
    key: NuidKey,
    stripes: Box<[Stripe]>,
}

#[derive(Debug, Default)]
#[repr(align(128))]
struct Stripe(AtomicU64);

impl Nuid {
    /// Creates a generator with `stripes` stripes (at least one).
    pub fn new(key: NuidKey, stripes: usize) -> Self {
        let stripes = (0..stripes.max(1)).map(|_| Stripe::default()).collect();
        Nuid { key, stripes }
    }

    /// Number of stripes.
    pub fn stripe_count(&self) -> usize {
        self.stripes.len()
    }

    /// Exclusive maximum of the sequence.
    pub fn max_seq(&self) -> u64 {
        self.key.max_seq
    }

    /// Takes the next id from `stripe` (reduced modulo the stripe count).
    pub fn next_id(&self, stripe: usize) -> (EventId, Taken) {
        let stripe = stripe % self.stripes.len();
        let word = &self.stripes[stripe].0;
        let mut taken = Taken::Fast;

        loop {
            // Relaxed: uniqueness comes from the RMW on this one word, and no other memory is
            // published through it.
            let current = word.fetch_add(1, Ordering::Relaxed);
            let (epoch, index) = split(current);
            let params = self.key.epoch(stripe, epoch);
            if index < params.capacity {
                return (params.id(index), taken);
            }

            if self.roll_over(word, epoch) {
                let next = self.key.epoch(stripe, (epoch + 1) & EPOCH_MASK);
                let taken = match taken {
                    Taken::RaceLost => Taken::RaceLost,
                    _ => Taken::RolledOver,
                };
                return (next.id(0), taken);
            }
            taken = Taken::RaceLost;
        }
    }

    /// Moves `word` from `epoch` to index 1 of the next epoch, claiming index 0 for the caller.
    /// Returns false if another caller already moved it.
    fn roll_over(&self, word: &AtomicU64, epoch: u64) -> bool {
        // Relaxed: as in `next_id`, only this word's own modification order matters.
        let mut current = word.load(Ordering::Relaxed);
        while split(current).0 == epoch {
            let next = join((epoch + 1) & EPOCH_MASK, 1);
            match word.compare_exchange_weak(current, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
        false
    }
}

/// Single-threaded NUID generator, as the NATS server keeps behind its server lock.
#[derive(Debug)]
pub struct SequentialNuid {
    key: NuidKey,
    stripe: usize,
    epoch: u64,
    index: u64,
}

impl SequentialNuid {
    /// Creates a generator on the key's stripe 0.
    pub fn new(key: NuidKey) -> Self {
        Self::with_stripe(key, 0)
    }

    /// Creates a generator on one stripe of the key. Generators on different stripes never
    /// produce the same prefix.
    pub fn with_stripe(key: NuidKey, stripe: usize) -> Self {
        SequentialNuid {
            key,
            stripe,
            epoch: 0,
            index: 0,
        }
    }

    /// Takes the next id.
    pub fn next_id(&mut self) -> (EventId, Taken) {
        let params = self.key.epoch(self.stripe, self.epoch);
        if self.index < params.capacity {
            self.index += 1;
            return (params.id(self.index - 1), Taken::Fast);
        }

        self.epoch = (self.epoch + 1) & EPOCH_MASK;
        self.index = 1;
        (
            self.key.epoch(self.stripe, self.epoch).id(0),
            Taken::RolledOver,
        )
    }
}

fn split(word: u64) -> (u64, u64) {
    (word >> INDEX_BITS, word & INDEX_MASK)
}

fn join(epoch: u64, index: u64) -> u64 {
    (epoch << INDEX_BITS) | index
}
