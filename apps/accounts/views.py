"""Shopper pages: signup, email code, login, find ID, my page, addresses, withdrawal, social linking.

Password reset and the Kakao/Naver redirects are allauth's views (``/accounts/password/reset/``,
``/accounts/kakao/login/``…) rendered with TriMarket's templates under ``templates/account*``.
"""

import contextlib

from allauth.account.views import PasswordResetView as AllauthPasswordResetView
from allauth.socialaccount.models import SocialLogin
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.accounts import selectors, services, twofactor
from apps.accounts.adapters import SOCIAL_CONNECT_SESSION_KEY
from apps.accounts.forms import (
    AddressForm,
    EmailChangeForm,
    FindIdForm,
    LoginForm,
    ProfileForm,
    SignupForm,
    SocialConnectForm,
    VerificationCodeForm,
    WithdrawForm,
    username_problem,
)
from apps.accounts.models import User
from apps.core import ratelimit

PENDING_USER_SESSION_KEY = "accounts_pending_user_id"
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- Signup and verification ----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:me")
    form = SignupForm(request.POST or None)
    limited = None
    if request.method == "POST":
        try:
            ratelimit.rate_hit(ratelimit.SIGNUP, request=request)
        except ratelimit.RateLimited as error:
            limited = error
            form.is_valid()
            form.add_error(None, error)
    if request.method == "POST" and not limited and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_signup(
                username=data["username"],
                password=data["password1"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                postcode=data["postcode"],
                road_address=data["road_address"],
                detail_address=data["detail_address"],
                policies=form.policies.values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[PENDING_USER_SESSION_KEY] = user.pk
            messages.success(request, f"{user.email}로 인증 코드를 보냈어요.")
            return redirect("accounts:verify")
    response = render(request, "accounts/signup.html", {"form": form})
    return ratelimit.too_many(response, limited) if limited else response


@require_safe
def signup_check_username(request: HttpRequest) -> HttpResponse:
    """htmx: the answer shown under the ID field while the shopper types."""
    username = request.GET.get("username", "").strip()
    problem = username_problem(username) if username else None
    return render(request, "accounts/_username_check.html", {"username": username, "problem": problem})


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = selectors.user_pending_get(user_id=request.session.get(PENDING_USER_SESSION_KEY))
    if user is None:
        messages.info(request, "인증할 가입 정보가 없어요. 로그인하면 인증을 이어서 할 수 있어요.")
        return redirect("accounts:login")
    if request.method == "POST":
        try:
            ratelimit.rate_hit(ratelimit.VERIFICATION, request=request, user_key=f"user:{user.pk}")
        except ratelimit.RateLimited as error:
            form = VerificationCodeForm(request.POST)
            form.is_valid()
            form.add_error(None, error)
            response = render(request, "accounts/verify.html", {"form": form, "pending_user": user})
            return ratelimit.too_many(response, error)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            services.email_verification_resend(user=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "새 인증 코드를 보냈어요. 이전 코드는 더 이상 쓸 수 없어요.")
        return redirect("accounts:verify")
    form = VerificationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.email_verification_confirm(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session.pop(PENDING_USER_SESSION_KEY, None)
            messages.success(request, "이메일 인증이 완료되었어요. 로그인해 주세요.")
            return redirect(f"/accounts/login/?username={user.username}")
    return render(request, "accounts/verify.html", {"form": form, "pending_user": user})


# --- Login, logout --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None, initial={"username": request.GET.get("username", "")})
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        ip = _client_ip(request)
        try:
            services.login_throttle_check(username=username, ip=ip)
        except ratelimit.RateLimited as error:
            form.add_error(None, error)
            response = render(request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")})
            return ratelimit.too_many(response, error)
        else:
            # authenticate() refuses inactive accounts (pending, withdrawn) and hashes even for unknown IDs.
            user = authenticate(request, username=username, password=password)
            if user is not None:
                services.login_failures_clear(username=username)
                login(request, user, backend=PASSWORD_BACKEND)
                services.session_remember(session=request.session, remember=form.cleaned_data["remember"])
                return redirect(_safe_next(request))
            pending = selectors.user_pending_with_credentials(username=username, password=password)
            if pending:
                request.session[PENDING_USER_SESSION_KEY] = pending.pk
                # A code sent less than a minute ago is still on its way: then no new one is sent.
                with contextlib.suppress(ValidationError):
                    services.email_verification_resend(user=pending)
                messages.info(
                    request, "이메일 인증을 마쳐야 로그인할 수 있어요. 메일로 받은 코드를 입력해 주세요."
                )
                return redirect("accounts:verify")
            services.login_failure_record(username=username, ip=ip)
            form.add_error(None, "아이디 또는 비밀번호가 올바르지 않아요. 다시 확인해 주세요.")
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request, default="")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "로그아웃되었어요.")
    return redirect("/")


# --- Password reset -------------------------------------------------------------------------------------


class PasswordResetView(AllauthPasswordResetView):
    """allauth's one-time reset link, behind TriMarket's limit per IP and per typed email (429 + form error)."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            ratelimit.rate_hit(ratelimit.PASSWORD_RESET, request=self.request, user_key=f"email:{email}")
        except ratelimit.RateLimited as error:
            form.add_error(None, error)
            return ratelimit.too_many(self.form_invalid(form), error)
        return super().form_valid(form)


# --- Find ID --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def find_id(request: HttpRequest) -> HttpResponse:
    """Name and email → the ID, masked here and whole in a mail; limited per IP and per typed email."""
    form = FindIdForm(request.POST or None)
    masked, searched = None, False
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            ratelimit.rate_hit(ratelimit.FIND_ID, request=request, user_key=f"email:{email.lower()}")
        except ratelimit.RateLimited as error:
            form.add_error(None, error)
            return ratelimit.too_many(render(request, "accounts/find_id.html", {"form": form}), error)
        masked = services.user_find_id(name=form.cleaned_data["name"], email=email)
        searched = True
    return render(request, "accounts/find_id.html", {"form": form, "masked": masked, "searched": searched})


# --- My page --------------------------------------------------------------------------------------------


@login_required
@require_safe
def me(request: HttpRequest) -> HttpResponse:
    addresses = selectors.address_list_for_user(user=request.user)
    default_address = next((address for address in addresses if address.is_default), None)
    return render(
        request,
        "accounts/me.html",
        {"default_address": default_address, "address_count": len(addresses)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, initial={"name": user.name, "phone": user.phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "회원 정보를 저장했어요.")
            return redirect("accounts:me")
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_change_password(
            user=request.user,
            new_password=form.cleaned_data["new_password1"],
            keep_session=request.session,
        )
        update_session_auth_hash(request, user)
        # The kept session got a new key just now: index that one, so a later withdrawal still finds it.
        services.session_register(user_id=user.pk, session_key=request.session.session_key)
        messages.success(request, "비밀번호를 바꿨어요. 다른 기기에서는 다시 로그인해야 해요.")
        return redirect("accounts:me")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    """Step 1 mails a code to the new address; step 2 (while a change is pending) takes the code."""
    user = request.user
    action = request.POST.get("action", "")
    if request.method == "POST":
        try:
            ratelimit.rate_hit(ratelimit.VERIFICATION, request=request, user_key=f"user:{user.pk}")
        except ratelimit.RateLimited as error:
            form, code_form = EmailChangeForm(user=user), VerificationCodeForm()
            pending = selectors.email_change_pending(user=user)
            (code_form if pending else form).add_error(None, error)
            context = {"form": form, "code_form": code_form, "pending": pending}
            return ratelimit.too_many(render(request, "accounts/email_change.html", context), error)
    if action == "cancel":
        services.email_change_cancel(user=user)
        messages.info(request, "이메일 변경을 취소했어요.")
        return redirect("accounts:email_change")
    pending = selectors.email_change_pending(user=user)
    form = EmailChangeForm(request.POST if action == "send" else None, user=user)
    code_form = VerificationCodeForm(request.POST if action == "confirm" else None)
    if action == "send" and form.is_valid():
        try:
            services.email_change_request(
                user=user,
                new_email=form.cleaned_data["email"],
                password=form.cleaned_data.get("password", ""),
            )
        except ValidationError as error:
            form.add_error("password" if error.code == "password_incorrect" else "email", error)
        else:
            messages.success(request, "새 이메일로 인증 코드를 보냈어요.")
            return redirect("accounts:email_change")
    if action == "confirm" and code_form.is_valid():
        try:
            services.email_change_confirm(user=user, code=code_form.cleaned_data["code"])
        except ValidationError as error:
            pending = selectors.email_change_pending(user=user)
            if pending is None:  # expired, or the address was taken: the page asks for an address again
                messages.error(request, error.messages[0])
                return redirect("accounts:email_change")
            code_form.add_error("code", error)
        else:
            messages.success(request, "이메일을 바꿨어요. 이전 이메일로도 변경 안내를 보냈어요.")
            return redirect("accounts:me")
    context = {"form": form, "code_form": code_form, "pending": pending}
    return render(request, "accounts/email_change.html", context)


@login_required
@require_safe
def address_list(request: HttpRequest) -> HttpResponse:
    addresses = selectors.address_list_for_user(user=request.user)
    return render(request, "accounts/address_list.html", {"addresses": addresses})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def address_create(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "배송지를 추가했어요.")
            return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    address = selectors.address_get_for_user(user=request.user, address_id=address_id)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_update(address=address, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "배송지를 수정했어요.")
            return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
@require_POST
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    address = selectors.address_get_for_user(user=request.user, address_id=address_id)
    services.address_delete(address=address)
    messages.success(request, "배송지를 삭제했어요.")
    return redirect("accounts:addresses")


@login_required
@require_POST
def address_make_default(request: HttpRequest, address_id: int) -> HttpResponse:
    address = selectors.address_get_for_user(user=request.user, address_id=address_id)
    services.address_set_default(address=address)
    messages.success(request, "기본 배송지를 바꿨어요.")
    return redirect("accounts:addresses")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest) -> HttpResponse:
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_withdraw(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            logout(request)
            messages.success(request, "탈퇴가 완료되었어요. 그동안 TriMarket을 이용해 주셔서 감사합니다.")
            return redirect("/")
    return render(request, "accounts/withdraw.html", {"form": form})


# --- Linking Kakao/Naver to an existing account -----------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def social_connect(request: HttpRequest) -> HttpResponse:
    """A first social login whose email belongs to an existing account: link only with that password."""
    pending = request.session.get(SOCIAL_CONNECT_SESSION_KEY)
    owner = pending and User.objects.filter(pk=pending["user_id"], status=User.Status.ACTIVE).first()
    if not owner:
        return redirect("accounts:login")
    sociallogin = SocialLogin.deserialize(pending["sociallogin"])
    form = SocialConnectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = _client_ip(request)
        try:
            services.login_throttle_check(username=owner.username, ip=ip)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if owner.check_password(form.cleaned_data["password"]):
                services.login_failures_clear(username=owner.username)
                sociallogin.connect(request, owner)
                del request.session[SOCIAL_CONNECT_SESSION_KEY]
                login(request, owner, backend=PASSWORD_BACKEND)
                messages.success(
                    request, f"{sociallogin.provider.name} 계정을 연결했어요. 다음부터 바로 로그인돼요."
                )
                return redirect("/")
            services.login_failure_record(username=owner.username, ip=ip)
            form.add_error("password", "비밀번호가 올바르지 않아요.")
    return render(
        request,
        "accounts/social_connect.html",
        {
            "form": form,
            "provider_name": {"kakao": "카카오", "naver": "네이버"}.get(sociallogin.account.provider, ""),
            "masked_username": services.mask_username(owner.username),
        },
    )


# --- Staff: second factor for the admin's login -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_two_factor(request: HttpRequest) -> HttpResponse:
    """Add a TOTP device (secret and QR shown until one code confirms it) or remove it (with a code)."""
    if not request.user.is_staff:
        raise PermissionDenied
    user = request.user
    form = VerificationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "remove":
                twofactor.totp_device_remove(user=user, token=form.cleaned_data["code"])
                message = "2단계 인증을 껐어요."
            else:
                twofactor.totp_device_confirm(
                    user=user, token=form.cleaned_data["code"], session=request.session
                )
                message = "2단계 인증을 켰어요. 다음 관리자 로그인부터 코드를 입력해 주세요."
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message)
            return redirect("accounts:staff_two_factor")
    device = twofactor.totp_device_confirmed(user=user)
    context = {"form": form, "device": device}
    if device is None:
        context.update(twofactor.totp_setup_display(device=twofactor.totp_device_start(user=user)))
    return render(request, "accounts/staff_two_factor.html", context)
