"""The console's home: who is logged in, and the areas their role may use."""

from flask import render_template

from gateway.console import blueprint, operator_required


@blueprint.get("/")
@operator_required()
def home():
    return render_template("console/home.html")
