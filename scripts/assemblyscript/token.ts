// token (AssemblyScript): a stateless token EE. The block carries the whole
// state it touches (the witness) and the transactions; the pre-state root
// commits to that state, the post-state root to the state after the
// transactions. Uses the managed runtime: classes, Array, Map with string
// keys, strings built per lookup (garbage for the collector).
//
// Block data (integers little-endian):
//   u32 n_accounts, then n_accounts accounts of 32 bytes:
//       address (20) | balance (u64) | nonce (u32)
//   u32 n_transactions, then n_transactions transactions of 52 bytes:
//       from (20) | to (20) | amount (u64) | nonce (u32)
//   and nothing after them.
//
// state root = SHA-256 of the accounts' 32-byte records, concatenated in order
// (SHA-256 of nothing for no accounts).
//
//   1. The block must have exactly that length and no address twice, and the
//      state root of its accounts must equal the pre-state root; otherwise the
//      script aborts (assert -> env.abort, a trap): "token: malformed block",
//      "token: duplicate account", "token: pre-state root mismatch".
//   2. Transactions, in order: skipped (trace "token: skipped tx", 2, index,
//      reason) when `from` is not an account (reason 1), its nonce differs from
//      the transaction's (2) or its balance is below the amount (3). Otherwise
//      from.balance -= amount, from.nonce += 1, then to.balance += amount
//      (mod 2^64); a `to` that is not an account becomes a new account
//      (balance 0, nonce 0) appended after the others, in order of creation.
//      from == to is allowed (the nonce still grows).
//   3. trace "token: applied, skipped", 2, applied, skipped; the post-state root
//      is the state root of the accounts in their order; main returns the
//      number of applied transactions.

import { Sha256 } from "./sha256";
import { loadPreStateRoot, blockDataSize, blockDataCopy, savePostStateRoot } from "./eei";

const ACCOUNT_SIZE: i32 = 32;
const TX_SIZE: i32 = 52;
const ADDRESS_SIZE: i32 = 20;

class Account {
  constructor(public address: Uint8Array, public balance: u64, public nonce: u32) {}

  write(out: Uint8Array, offset: i32): void {
    out.set(this.address, offset);
    store<u64>(out.dataStart + offset + ADDRESS_SIZE, this.balance);
    store<u32>(out.dataStart + offset + ADDRESS_SIZE + 8, this.nonce);
  }
}

class State {
  accounts: Array<Account> = new Array<Account>();
  byAddress: Map<string, Account> = new Map<string, Account>();

  get(data: Uint8Array, offset: i32): Account | null {
    const key = addressKey(data, offset);
    return this.byAddress.has(key) ? this.byAddress.get(key) : null;
  }

  add(address: Uint8Array, balance: u64, nonce: u32): Account {
    const key = addressKey(address, 0);
    assert(!this.byAddress.has(key), "token: duplicate account");
    const account = new Account(address, balance, nonce);
    this.accounts.push(account);
    this.byAddress.set(key, account);
    return account;
  }

  root(): Uint8Array {
    const records = new Uint8Array(this.accounts.length * ACCOUNT_SIZE);
    for (let i = 0; i < this.accounts.length; i++) this.accounts[i].write(records, i * ACCOUNT_SIZE);
    const hasher = new Sha256();
    hasher.update(records);
    const out = new Uint8Array(32);
    hasher.finish(out);
    return out;
  }
}

const HEX = "0123456789abcdef";

/** The 20 bytes at data[offset] as 40 lower-case hex digits: the map key. */
function addressKey(data: Uint8Array, offset: i32): string {
  const units = new Uint16Array(2 * ADDRESS_SIZE);
  for (let i = 0; i < ADDRESS_SIZE; i++) {
    const b = data[offset + i];
    units[2 * i] = HEX.charCodeAt(b >> 4);
    units[2 * i + 1] = HEX.charCodeAt(b & 15);
  }
  return String.UTF16.decode(units.buffer);
}

function equal32(a: Uint8Array, b: Uint8Array): bool {
  for (let i = 0; i < 32; i++) if (a[i] != b[i]) return false;
  return true;
}

export function main(): i32 {
  const size = <i32>blockDataSize();
  const data = new Uint8Array(size);
  blockDataCopy(data.dataStart, 0, size);

  assert(size >= 4, "token: malformed block");
  const nAccounts = load<u32>(data.dataStart);
  const txHeader = 4 + <u64>nAccounts * ACCOUNT_SIZE;
  assert(txHeader + 4 <= <u64>size, "token: malformed block");
  const nTx = load<u32>(data.dataStart + <usize>txHeader);
  assert(txHeader + 4 + <u64>nTx * TX_SIZE == <u64>size, "token: malformed block");

  const state = new State();
  for (let i = 0; i < <i32>nAccounts; i++) {
    const at = 4 + i * ACCOUNT_SIZE;
    state.add(data.slice(at, at + ADDRESS_SIZE),
              load<u64>(data.dataStart + at + ADDRESS_SIZE),
              load<u32>(data.dataStart + at + ADDRESS_SIZE + 8));
  }

  const pre = new Uint8Array(32);
  loadPreStateRoot(pre.dataStart);
  assert(equal32(state.root(), pre), "token: pre-state root mismatch");

  let applied = 0;
  let skipped = 0;
  for (let i = 0; i < <i32>nTx; i++) {
    const at = <i32>txHeader + 4 + i * TX_SIZE;
    const amount = load<u64>(data.dataStart + at + 2 * ADDRESS_SIZE);
    const nonce = load<u32>(data.dataStart + at + 2 * ADDRESS_SIZE + 8);
    const from = state.get(data, at);
    let reason = 0;
    if (from == null) reason = 1;
    else if (from.nonce != nonce) reason = 2;
    else if (from.balance < amount) reason = 3;
    if (reason != 0) {
      trace("token: skipped tx", 2, <f64>i, <f64>reason);
      skipped++;
      continue;
    }
    const sender = from!;
    sender.balance -= amount;
    sender.nonce += 1;
    let to = state.get(data, at + ADDRESS_SIZE);
    if (to == null) to = state.add(data.slice(at + ADDRESS_SIZE, at + 2 * ADDRESS_SIZE), 0, 0);
    to.balance += amount;
    applied++;
  }
  trace("token: applied, skipped", 2, <f64>applied, <f64>skipped);

  const post = state.root();
  savePostStateRoot(post.dataStart);
  return applied;
}
