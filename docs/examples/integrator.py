"""Talk to a Tracechain node with py-substrate-interface, as to any Substrate chain.

Start a development chain (`./scripts/dev.sh`), then:

    python3 -m venv .venv && .venv/bin/pip install substrate-interface
    .venv/bin/python docs/examples/integrator.py [ws://127.0.0.1:9944]

It reads System.Number, registers a product class signed by the dev key Alice (Château X),
waits for finalization, prints the pallet's event and reads the class back from storage.
"""

import sys

from substrateinterface import Keypair, SubstrateInterface

url = sys.argv[1] if len(sys.argv) > 1 else "ws://127.0.0.1:9944"
substrate = SubstrateInterface(url=url)
number = substrate.query("System", "Number")
print("chain:", substrate.chain, "· spec version:", substrate.runtime_version, "· System.Number:", number.value)

alice = Keypair.create_from_uri("//Alice")
# A GTIN-14 under Château X's company prefix 3760001, with its check digit; change the item
# reference (00002 → …) to register another class.
gtin = sys.argv[2] if len(sys.argv) > 2 else "03760001000023"
call = substrate.compose_call(
    call_module="Products",
    call_function="register_class",
    call_params={
        "gtin": gtin.encode(),
        "name": "Château X Rosé 2024, 750 ml".encode(),
        "brand": "Château X".encode(),
        "hs_code": b"220421",
        "origin": b"FR",
        "documents": [],
    },
)
extrinsic = substrate.create_signed_extrinsic(call=call, keypair=alice)
receipt = substrate.submit_extrinsic(extrinsic, wait_for_finalization=True)
print("finalized in", receipt.block_hash, "success:", receipt.is_success, receipt.error_message or "")
for event in receipt.triggered_events:
    module, name = event.value["module_id"], event.value["event_id"]
    if module == "Products":
        print("event:", module, name, event.value["attributes"])

product_class = substrate.query("Products", "ProductClasses", [gtin.encode()])
print("Products.ProductClasses:", product_class.value)
