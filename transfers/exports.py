"""Export columns of the transfers lists: the SPREADSHEETS.md §4 and §5 columns first,
declared once by their imports (so an exported file re-imports), then status, scope
and who/when."""

from core.exporting import ExportResource, column, format_resource

from .imports import SettlementsImport, WalletTransfersImport


class SharingPaymentExport(
    format_resource(
        SettlementsImport,
        beneficiary_id_number="beneficiary__id_number",
        grantor_id_number="grantor__id_number",
        paid_from=None,  # a sharing payment is always paid from the grantor's account
    )
):
    status = column("get_status_display", "状态")
    scope = column("get_scope_display", "共济范围")
    hold_reasons = column("get_hold_reasons_display", "暂挂原因")
    reject_reason = column("reject_reason", "驳回原因")
    created_by = column("created_by__username", "录入人")
    created_at = column("created_at", "录入时间")
    reviewed_by = column("reviewed_by__username", "复核人")
    reviewed_at = column("reviewed_at", "复核时间")

    sensitive = {"beneficiary__id_number": "id", "grantor__id_number": "id"}


class WalletTransferExport(
    format_resource(
        WalletTransfersImport,
        sender_id_number="sender__id_number",
        recipient_id_number="recipient__id_number",
    )
):
    status = column("get_status_display", "状态")
    scope = column("get_scope_display", "共济范围")
    unspent = column("unspent", "未用金额")
    returned_amount = column("returned_amount", "退回金额")
    return_reason = column("get_return_reason_display", "退回原因")
    created_by = column("created_by__username", "录入人")
    created_at = column("created_at", "录入时间")

    sensitive = {"sender__id_number": "id", "recipient__id_number": "id"}


class ReversalExport(ExportResource):
    settlement_id = column("payment__settlement_id", "结算ID")
    grantor = column("payment__grantor__id_number", "共济人身份号码")
    beneficiary = column("payment__beneficiary__id_number", "被共济人身份号码")
    amount = column("payment__amount", "冲正金额")
    reason = column("reason", "冲正原因")
    status = column("get_status_display", "状态")
    requested_by = column("requested_by__username", "申请人")
    requested_at = column("requested_at", "申请时间")
    reviewed_by = column("reviewed_by__username", "复核人")
    reviewed_at = column("reviewed_at", "复核时间")
    review_note = column("review_note", "复核意见")

    sensitive = {"payment__grantor__id_number": "id", "payment__beneficiary__id_number": "id"}
