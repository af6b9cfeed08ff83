"""Shared form plumbing: copying service errors onto WTForms fields."""


def populate_errors(form, error):
    """Copy an errors.Invalid's field messages onto the form (unknown fields go to form errors)."""
    leftovers = []
    for name, messages in (error.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            leftovers.extend(messages)
    if error.message:
        leftovers.append(error.message)
    form.form_errors = list(getattr(form, "form_errors", [])) + leftovers
    return form


def form_page(form, template, submit, render=None, **context):
    """The shape of every form view: show, validate, call `submit()`, or show errors.

    `submit` calls the service and returns the response (usually a redirect); a service's
    errors.Invalid is rolled back and lands next to the form's fields with status 422.
    """
    from flask import render_template  # noqa: PLC0415

    from propmgmt.db import db  # noqa: PLC0415
    from propmgmt.errors import Invalid  # noqa: PLC0415

    def show():
        return render() if render else render_template(template, form=form, **context)

    if not form.validate_on_submit():
        return show(), 422 if form.is_submitted() else 200
    try:
        return submit()
    except Invalid as error:
        db.session.rollback()
        populate_errors(form, error)
        return show(), 422
