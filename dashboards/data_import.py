"""Data import: download the return template, check and import monthly returns, see what has arrived."""

import io
import zipfile

import pandas as pd
import streamlit as st

from contract_monitor import data_access, presentation, settings, widgets
from contract_monitor.returns import importer, templates

st.title("Data import")
st.caption(
    "Providers' monthly returns (KPI values, survey counts, comments, finance) as CSV or Excel, plus NHS England "
    "A&E attendances and NHS Friends and Family Test exports. Every file is checked completely before anything is "
    "stored; a file loads completely or not at all, and importing the same file twice changes nothing."
)


def _zip(files: dict[str, bytes], stem: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet, data in files.items():
            archive.writestr(f"{stem}_{sheet}.csv", data)
    return out.getvalue()


st.header("Templates", divider="gray")
st.write(
    "A return is one workbook with the sheets kpi_values, experience_measures, finance and narrative_feedback "
    "(leave out what you do not report), or one CSV file per sheet. The Read me sheet lists every column."
)
left, right = st.columns(2)
with left:
    st.download_button(
        "Blank template (.xlsx)",
        templates.xlsx_bytes(),
        file_name="monthly_return_template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.download_button(
        "Blank template (CSV files, .zip)", _zip(templates.csv_files(), "return"), file_name="monthly_return_csv.zip"
    )
with right:
    st.download_button(
        "Example: November 2026 return (.xlsx)",
        templates.xlsx_bytes(example=True),
        file_name="example_return_2026-11.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.download_button(
        "Example: November 2026 return (CSV files, .zip)",
        _zip(templates.csv_files(example=True), "example_2026-11"),
        file_name="example_return_2026-11_csv.zip",
    )

st.header("Import returns", divider="gray")
with st.form("import"):
    uploads = st.file_uploader("Return files (.csv or .xlsx)", type=["csv", "xlsx"], accept_multiple_files=True)
    mapping = st.file_uploader(
        "Mapping for NHS files (optional): A&E org_code,contract_id,kpi_code or FFT trust,contract_id", type=["csv"]
    )
    contract = st.text_input("Contract for every FFT comment (optional, instead of a mapping)", value="")
    who = st.text_input("Your name (recorded with every value)", value=importer.current_user())
    check_only = st.form_submit_button("Check files only")
    do_import = st.form_submit_button("Check and import", type="primary")

if (check_only or do_import) and not uploads:
    st.warning("Choose at least one file to check or import.")
elif check_only or do_import:
    files = [(upload.name, upload.getvalue()) for upload in uploads]
    with st.status("Checking files…" if check_only else "Importing…", expanded=True) as status:
        result = importer.run(
            files,
            settings.db_path(),
            by=who.strip() or None,
            dry_run=check_only,
            mapping=(mapping.name, mapping.getvalue()) if mapping else None,
            contract=contract.strip() or None,
            progress=lambda message: status.write(message),
        )
        status.update(
            label=("Checked" if check_only else "Imported") if result.ok else "Not imported: see the problems below",
            state="complete" if result.ok else "error",
            expanded=False,
        )
    if result.problems:
        st.error(f"{len(result.problems)} problem(s) found; nothing was stored. Correct the file(s) and try again.")
        st.dataframe(pd.DataFrame(result.problem_rows()), hide_index=True, use_container_width=True)
        if result.truncated:
            st.write(", ".join(f"{file}: at least {n} more problem(s)" for file, n in result.truncated.items()))
    elif result.error:
        st.error(result.error)
    else:
        st.success("Checked: the files can be imported." if check_only else "Import finished.")
        st.code(result.report(), language=None)

widgets.require_database()

st.header("Returns this month", divider="gray")
status_table = data_access.returns_status()
if status_table.empty:
    st.info("No contract-months yet.")
else:
    month = status_table["month"].max()
    counts = status_table["return_status"].value_counts()
    st.write(
        f"{month:%B %Y}: "
        + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("received", "late", "corrected", "missing"))
        + ". A missing return is shown as missing, never filled in."
    )
    shown = presentation.returns_table(status_table)
    st.dataframe(shown, hide_index=True, use_container_width=True)

st.header("Import history", divider="gray")
log = data_access.import_log()
if log.empty:
    st.write("No files have been imported yet.")
else:
    st.dataframe(
        log[
            [
                "imported_at",
                "source_file",
                "file_format",
                "imported_by",
                "rows_stored",
                "contracts",
                "values_normalised",
            ]
        ].rename(
            columns={
                "imported_at": "Imported (UTC)",
                "source_file": "File",
                "file_format": "Format",
                "imported_by": "By",
                "rows_stored": "Rows",
                "contracts": "Contracts",
                "values_normalised": "Values normalised",
            }
        ),
        hide_index=True,
        use_container_width=True,
    )
    revisions = data_access.return_revisions()
    corrected = revisions[revisions["revision"] > 1]
    with st.expander(f"Corrections: {len(corrected)} resubmitted return(s) replaced earlier values"):
        st.dataframe(
            revisions[
                [
                    "contract_id",
                    "month",
                    "return_table",
                    "revision",
                    "revision_kind",
                    "source_file",
                    "imported_by",
                    "imported_at",
                    "rows",
                    "is_current",
                ]
            ],
            hide_index=True,
            use_container_width=True,
        )
