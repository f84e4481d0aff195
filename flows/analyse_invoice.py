"""The `analyse_invoice` flow: one bill in, the contract's result out.

Run it on files from the command line (no server needed; without
PREFECT_API_URL Prefect starts a temporary local server):

    python -m flows.analyse_invoice BILL.pdf --type auto --out DIR
    python -m flows.analyse_invoice page1.jpg page2.jpg --out DIR
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import prefect.context
from prefect import flow
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, PREFECT_LOCAL_STORAGE_PATH
from prefect.utilities.annotations import opaque

from flows.jobs import run_job
from flows.pipeline import analyse_files
from flows.prefect_settings import once_per_settings
from tasks.settings import get_settings

ENERGY_TYPES = ("auto", "electricite", "gaz", "dual")


# Nothing of a run is persisted (stages' results neither). A result storage
# named here, Prefect's local default, spares every run a request to the server
# for its default storage (Prefect asks even when nothing will be stored).
# Parameters are not validated again in the run: Prefect builds a pydantic
# model from the signature on every call (~12 ms of CPU, a tenth of its share
# of a sync request), while run_analysis passes them typed and the server
# already checks a deployment run's against the deployment's schema.
@flow(name="analyse_invoice", persist_result=False, log_prints=False, validate_parameters=False,
      result_storage=Path(PREFECT_LOCAL_STORAGE_PATH.value()))
def analyse_invoice(files: list[str], kind: str = "pdf", requested_type: str = "auto",
                    confidence_min: float = 0.5, strict: bool = True, task_id: str | None = None,
                    user_id: int | None = None, invoice_id: int | None = None,
                    external_ref: str | None = None, webhook_url: str | None = None) -> opaque[dict] | dict:
    """Analyse one bill (a PDF, or images of its pages).

    Inline (sync request, CLI): returns the contract's result body, in
    `opaque` (run_analysis unwraps it): Prefect would otherwise walk the whole
    body looking for futures when the run ends (~5 ms of CPU). As a job
    (`task_id` set, run by a worker from the deployment): stores the result
    with the job, delivers the outcome to `webhook_url`, returns a summary.
    """
    settings = get_settings()
    paths = [Path(f) for f in files]
    options = dict(requested_type=requested_type, confidence_min=confidence_min, strict=strict)
    if task_id is None:
        return opaque(analyse_files(settings, paths, kind, **options))
    from prefect.runtime import flow_run

    ids = {"user_id": user_id, "invoice_id": invoice_id, "external_ref": external_ref}
    return run_job(settings, task_id=task_id, files=paths, kind=kind, ids=ids, flow_run_id=flow_run.id, **options)


def run_analysis(files: list[Path], kind: str, *, requested_type: str = "auto",
                 confidence_min: float = 0.5, strict: bool = True) -> dict:
    """Run the flow inline, as a sync request does.

    Heartbeats are off for these runs: the flow would otherwise wait ~1 s for
    its heartbeat thread at the end, and nothing needs them (a crashed inline
    run dies with its request). Worker runs keep them.
    """
    with _without_heartbeats():
        return analyse_invoice(files=[str(f) for f in files], kind=kind, requested_type=requested_type,
                               confidence_min=confidence_min, strict=strict).unwrap()


@once_per_settings
def _heartbeats_off(settings):
    # A copy costs ~20 ms of CPU: once per settings object, not per request.
    return settings.copy_with_update(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def _without_heartbeats() -> prefect.context.SettingsContext:
    """The current Prefect settings with flow heartbeats off."""
    context = prefect.context.get_settings_context()
    return prefect.context.SettingsContext(profile=context.profile, settings=_heartbeats_off())


def write_outputs(result: dict, out: Path) -> list[Path]:
    """Both PDFs and analysis.json into `out`."""
    import base64

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for key, name in (("non_anonymous_report_base64", "rapport.pdf"),
                      ("anonymous_report_base64", "rapport-anonyme.pdf")):
        path = out / name
        path.write_bytes(base64.b64decode(result[key]))
        written.append(path)
    path = out / "analysis.json"
    path.write_text(json.dumps(result["analysis"], ensure_ascii=False, indent=2), encoding="utf-8")
    written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.analyse_invoice",
                                     description="Analyse one energy bill: a PDF, or images of its pages in order.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--type", default="auto", choices=ENERGY_TYPES, help="energy selected by the user")
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the two PDFs and analysis.json")
    parser.add_argument("--confidence-min", type=float, default=0.5)
    parser.add_argument("--no-strict", action="store_true", help="answer with what could be read instead of failing")
    args = parser.parse_args(argv)

    pdfs = [f for f in args.files if f.suffix.lower() == ".pdf"]
    if pdfs and len(args.files) > 1:
        parser.error("give one PDF, or one or more images")
    kind = "pdf" if pdfs else "images"
    from tasks.errors import AnalysisError

    try:
        result = run_analysis(args.files, kind, requested_type=args.type,
                              confidence_min=args.confidence_min, strict=not args.no_strict)
    except AnalysisError as error:
        print(f"erreur ({error.code}) : {error.detail}", file=sys.stderr)
        return 2
    for path in write_outputs(result, args.out):
        print(f"écrit : {path}")
    for line in result["highlights"]:
        print(f"• {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
