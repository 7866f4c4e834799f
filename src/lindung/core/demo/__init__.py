"""What domain apps need to add demo data without importing the site layer: the step
registry (`registry`) and invented Indonesian names (`names`). `lindung.site.demo` builds the
people, memberships and logins and runs the registered steps."""
