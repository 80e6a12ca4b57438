"""Views of the hub, one module per area: start pages, the editor, spreadsheets, the report, the workflow and the
public portal. Each module's views are thin: access helper, form, service call, redirect."""
