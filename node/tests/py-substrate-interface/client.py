"""Drives a Tracechain node with py-substrate-interface as an integrator would, nothing configured
for Tracechain: typed storage reads (a fresh account reads as FRAME's default AccountInfo), three
transactions in a row from one account, a failing call whose error decodes to its pallet and
name, and the block's events.

Usage: python client.py ws://127.0.0.1:9944 — prints one JSON object with what it saw.
"""

import json
import sys

from substrateinterface import Keypair, SubstrateInterface

substrate = SubstrateInterface(url=sys.argv[1])
alice = Keypair.create_from_uri("//Alice")
fresh = Keypair.create_from_uri("//TracechainNeverUsed")


def nonce(address):
    return substrate.query("System", "Account", [address]).value["nonce"]


def submit(call):
    """Signs `call` as Alice, waits for finalization and reports what the block says of it."""
    extrinsic = substrate.create_signed_extrinsic(call=call, keypair=alice)
    receipt = substrate.submit_extrinsic(extrinsic, wait_for_finalization=True)
    error = None
    if not receipt.is_success:
        # The pallet from the ExtrinsicFailed event's module index, the name from the metadata.
        failure = next(e for e in receipt.triggered_events if e.value["event_id"] == "ExtrinsicFailed")
        index = failure.value["attributes"]["dispatch_error"]["Module"]["index"]
        pallet = next(p.name for p in substrate.metadata.pallets if p.value["index"] == index)
        error = f"{pallet}.{receipt.error_message['name']}"
    return {
        "block": receipt.block_hash,
        "error": error,
        "events": [f"{e.value['module_id']}.{e.value['event_id']}" for e in receipt.triggered_events],
    }


number = substrate.query("System", "Number").value
fresh_nonce = nonce(fresh.ss58_address)
nonce_before = nonce(alice.ss58_address)
transactions = [
    submit(substrate.compose_call("System", "remark_with_event", {"remark": f"remark {i}".encode()}))
    for i in range(3)
]
nonce_after = nonce(alice.ss58_address)
failed = submit(substrate.compose_call("System", "remark", {"remark": b"x" * (64 * 1024 + 1)}))
block_events = [
    f"{e.value['module_id']}.{e.value['event_id']}"
    for e in substrate.query("System", "Events", block_hash=failed["block"]).value_object
]
print(json.dumps({
    "number": number,
    "freshNonce": fresh_nonce,
    "nonceBefore": nonce_before,
    "nonceAfter": nonce_after,
    "transactions": transactions,
    "failed": failed,
    "blockEvents": block_events,
    "specName": substrate.get_constant("System", "Version").value["spec_name"],
    "blockHashCount": substrate.get_constant("System", "BlockHashCount").value,
}))
