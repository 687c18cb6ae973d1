"""Callback and action IDs shared by views (which draw them) and handlers (which answer them).

The manifest names the same IDs; tests check the three agree.
"""

COMMAND = "/safet"

# Shortcuts (manifest: features.shortcuts)
SHORTCUT_FILE_CLAIM = "safet_file_claim"
SHORTCUT_RECORD_CHARGEBACK = "safet_record_chargeback"
SHORTCUT_CLAIM_FROM_MESSAGE = "safet_claim_from_message"
SHORTCUT_RECORD_FROM_MESSAGE = "safet_record_from_message"  # intake: read the message as Amazon's email

# Modal callback IDs
MODAL_SAFET_CLAIM = "safet_claim_modal"
MODAL_CHARGEBACK = "chargeback_modal"
MODAL_CASE_ACTION = "case_action_modal"

# Block actions
ACTION_CASE_PREFIX = "case_action:"  # + rules Action value, e.g. "case_action:answer"
ACTION_SAFET_REASON = "safet_reason_select"
ACTION_SAFET_PROGRAM = "safet_program_select"  # seller-fulfilled product order or Selling Services order
ACTION_HOME_FILE_CLAIM = "home_file_claim"
ACTION_HOME_RECORD_CHARGEBACK = "home_record_chargeback"
ACTION_HOME_OPEN_CASE = "home_open_case"
ACTION_HOME_START_CLAIM = "home_start_claim"  # a refund from Amazon's ledger: the claim form, prefilled
ACTION_HOME_LOCALE = "home_locale_select"
ACTION_HOME_ACCOUNT = "home_account_select"
ALL_ACCOUNTS = "*"
ACTION_CASE_SET_DATE = "case_set_date"  # enter Amazon's stated date for an open deadline
ACTION_CASE_REASSIGN = "case_reassign"
ACTION_CASE_DOCUMENTS = "case_add_documents"  # attach files, tick the checklist
ACTION_CASE_EVIDENCE = "case_evidence_packet"  # build the ZIP of the case and upload it to its thread

# Intake: the buttons of the reply to one of Amazon's emails (value: views.intake.Prefill)
ACTION_INTAKE_RECORD_CHARGEBACK = "intake_record_chargeback"
ACTION_INTAKE_RECORD_CLAIM = "intake_record_claim"
ACTION_INTAKE_CASE_ACTION = "intake_case_action"
MODAL_INTAKE_SUMMARY = "intake_summary_modal"
ACTION_REPORT_EXPORT = "report_export_csv"  # the report's Export CSV button

# Amazon's ledger (ledger notices)
ACTION_LEDGER_TAKE_FIGURE = "ledger_take_figure"  # a recorded amount differs: record Amazon's
ACTION_LEDGER_MATCH = "ledger_match"  # a reimbursement no claim matched: name its claim
MODAL_LEDGER_MATCH = "ledger_match_modal"
