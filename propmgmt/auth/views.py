from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from propmgmt.auth import services
from propmgmt.auth.forms import ChangePasswordForm
from propmgmt.auth.forms import LoginForm
from propmgmt.auth.throttle import login_limits
from propmgmt.errors import Invalid
from propmgmt.forms import populate_errors
from propmgmt.web import actor as _actor

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@login_limits()
def login():
    form = LoginForm(next=request.args.get("next"))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200
    user = services.authenticate(form.username.data, form.password.data)
    if user is None:
        form.password.errors.append(_("Wrong username or password."))
        return render_template("auth/login.html", form=form), 401
    session.clear()
    login_user(user, remember=form.remember.data)
    flash(_("Welcome, %(name)s.", name=user.display_name), "success")
    return redirect(services.safe_next(form.next.data) or url_for("home.index"))


@bp.post("/logout")
@login_required
def logout():
    services.end_sessions(_actor())
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/change_password.html", form=form), (
            422 if form.is_submitted() else 200)
    user = _actor()
    try:
        services.change_password(user=user, current=form.current_password.data,
                                 new=form.new_password.data)
    except Invalid as error:
        populate_errors(form, error)
        return render_template("auth/change_password.html", form=form), 422
    login_user(user)
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("home.index"))


@bp.post("/language")
def set_language():
    """Switch language; the choice sticks in the session and on the account."""
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            services.set_locale(_actor(), locale)
    return redirect(services.safe_next(request.form.get("next")) or url_for("home.index"))
