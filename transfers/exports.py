"""Export columns of the transfers lists: the SPREADSHEETS.md §4 and §5 columns first
(so an exported file re-imports), then status, scope and who/when."""

from core.exporting import ExportResource, column

from .services.checks import USE_WORDS

WORD_OF_USE = {use: word for word, use in USE_WORDS.items()}


class SharingPaymentExport(ExportResource):
    settlement_id = column("settlement_id", "结算ID")
    settled_at = column("settled_at", "结算时间")
    institution_code = column("institution_code", "定点机构编码")
    institution_name = column("institution_name", "定点机构名称")
    use = column("use", "用途")
    beneficiary = column("beneficiary__id_number", "被共济人身份号码")
    grantor = column("grantor__id_number", "共济人身份号码")
    amount = column("amount", "共济支付金额")
    status = column("get_status_display", "状态")
    scope = column("get_scope_display", "共济范围")
    hold_reasons = column("get_hold_reasons_display", "暂挂原因")
    reject_reason = column("reject_reason", "驳回原因")
    created_by = column("created_by__username", "录入人")
    created_at = column("created_at", "录入时间")
    reviewed_by = column("reviewed_by__username", "复核人")
    reviewed_at = column("reviewed_at", "复核时间")

    sensitive = {"beneficiary__id_number": "id", "grantor__id_number": "id"}

    def dehydrate_use(self, payment):
        return WORD_OF_USE[payment.use]


class WalletTransferExport(ExportResource):
    transfer_number = column("transfer_number", "转账流水号")
    transferred_at = column("transferred_at", "转账时间")
    sender = column("sender__id_number", "转出人身份号码")
    recipient = column("recipient__id_number", "转入人身份号码")
    amount = column("amount", "金额")
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
