"""Paying an order from an app: what the PortOne SDK needs, and what the server-side verification concluded."""

from rest_framework import serializers

from apps.payments import methods

METHOD_CHOICES = list(methods.CATALOG)


class PayMethodSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=METHOD_CHOICES)
    label = serializers.CharField()
    note = serializers.CharField()
    last_used = serializers.BooleanField(help_text="이 회원이 지난번에 결제한 수단")


class PrepareRequestSerializer(serializers.Serializer):
    merchant_uid = serializers.CharField(max_length=40, help_text="주문번호 (POST /orders/ 의 응답)")
    method = serializers.ChoiceField(
        choices=METHOD_CHOICES, required=False, help_text="결제 수단 (켜져 있지 않으면 첫 수단)"
    )


class PayParamsSerializer(serializers.Serializer):
    """IMP.request_pay's parameters, exactly as the web's payment window gets them."""

    pg = serializers.CharField()
    pay_method = serializers.CharField()
    merchant_uid = serializers.CharField()
    name = serializers.CharField()
    amount = serializers.IntegerField()
    buyer_email = serializers.CharField()
    buyer_name = serializers.CharField()
    buyer_tel = serializers.CharField()
    buyer_addr = serializers.CharField()
    buyer_postcode = serializers.CharField()
    m_redirect_url = serializers.CharField()
    notice_url = serializers.CharField()
    vbank_due = serializers.CharField(required=False, help_text="가상계좌 입금 기한 (YYYYMMDDhhmm)")
    naverProducts = serializers.ListField(child=serializers.DictField(), required=False)


class PrepareSerializer(serializers.Serializer):
    imp_code = serializers.CharField(help_text="IMP.init 에 넘길 가맹점 식별코드")
    sdk_url = serializers.CharField(help_text="PortOne v1 SDK 주소")
    sandbox = serializers.BooleanField(help_text="PG 샌드박스로 결제하는지 (개발용)")
    method = serializers.CharField(help_text="고른 결제 수단 코드")
    methods = PayMethodSerializer(many=True, help_text="켜져 있는 결제 수단 (지난번 수단이 먼저)")
    params = PayParamsSerializer(help_text="IMP.request_pay(params) 그대로")


class VerifyRequestSerializer(serializers.Serializer):
    merchant_uid = serializers.CharField(max_length=40)
    imp_uid = serializers.CharField(max_length=40, required=False, help_text="SDK 콜백의 imp_uid")


class VerifySerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=["paid", "pending", "awaiting_deposit", "failed", "refused"],
        help_text="paid 결제완료 · awaiting_deposit 가상계좌 입금 대기 · pending 확인 중 · failed 실패 · refused 거절",
    )
    message = serializers.CharField()
    merchant_uid = serializers.CharField()
    order_status = serializers.CharField()
    order_status_label = serializers.CharField()
