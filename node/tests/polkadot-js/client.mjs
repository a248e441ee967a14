// Drives a Tracechain node with @polkadot/api as an integrator would, nothing configured for
// Tracechain: typed storage reads, three transactions in a row from one account, a failing call
// whose dispatchError decodes to its pallet and error, and the block's events.
// Usage: node client.mjs ws://127.0.0.1:9944 — prints one JSON object with what it saw.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const url = process.argv[2];
await cryptoWaitReady();
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true });
const keyring = new Keyring({ type: 'sr25519' });
const alice = keyring.addFromUri('//Alice');
const fresh = keyring.addFromUri('//TracechainNeverUsed');

// Submits `tx` signed by `signer` and resolves once finalized with what the block says of it.
function finalized(tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        reject(new Error(`transaction ${status.type}`));
      }
      if (!status.isFinalized) return;
      let error = null;
      if (dispatchError) {
        if (dispatchError.isModule) {
          const meta = api.registry.findMetaError(dispatchError.asModule);
          error = `${meta.section}.${meta.name}`;
        } else {
          error = dispatchError.toString();
        }
      }
      resolve({
        block: status.asFinalized.toHex(),
        error,
        events: events.map(({ event }) => `${event.section}.${event.method}`),
      });
    }).catch(reject);
  });
}

const number = (await api.query.system.number()).toNumber();
const freshNonce = (await api.query.system.account(fresh.address)).nonce.toNumber();
const nonceBefore = (await api.query.system.account(alice.address)).nonce.toNumber();
const transactions = [];
for (let i = 0; i < 3; i += 1) {
  transactions.push(await finalized(api.tx.system.remarkWithEvent(`remark ${i}`), alice));
}
const nonceAfter = (await api.query.system.account(alice.address)).nonce.toNumber();
const tooLong = 'x'.repeat(64 * 1024 + 1);
const failed = await finalized(api.tx.system.remark(tooLong), alice);
const blockEvents = (await (await api.at(failed.block)).query.system.events()).map(
  ({ event }) => `${event.section}.${event.method}`,
);
const version = api.consts.system.version;
const blockHashCount = api.consts.system.blockHashCount.toNumber();
const metadataVersion = api.runtimeMetadata.version;
console.log(JSON.stringify({
  number,
  freshNonce,
  nonceBefore,
  nonceAfter,
  transactions,
  failed,
  blockEvents,
  specName: version.specName.toString(),
  blockHashCount,
  metadataVersion,
}));
await api.disconnect();
process.exit(0);
