/** Python: classes, functions (methods when inside a class), module-level assignments (every target of `A = B = 1`); calls, bases, decorators, annotations. */
export const pythonQuery = String.raw`
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
(module (expression_statement (assignment left: (identifier) @name) @definition.variable))
(module (expression_statement (assignment left: (pattern_list (identifier) @name)) @definition.variable))
(module (expression_statement (assignment) @chain))
(assignment !type right: (assignment left: (identifier) @name) @chained.variable)
(assignment !type right: (assignment left: (pattern_list (identifier) @name)) @chained.variable)

(import_from_statement module_name: (_) @source name: (dotted_name . (identifier) @name .)) @import
(import_from_statement module_name: (_) @source name: (aliased_import name: (dotted_name) @original alias: (identifier) @name)) @import
(import_statement name: (dotted_name . (identifier) @name)) @module_import
(import_statement name: (aliased_import name: (dotted_name) @source alias: (identifier) @name)) @module_import

(class_definition superclasses: (argument_list (identifier) @name)) @reference.inherit
(class_definition superclasses: (argument_list (attribute object: (_) @receiver attribute: (identifier) @name))) @reference.inherit
(call function: (identifier) @name) @reference.call
(call function: (attribute object: (_) @receiver attribute: (identifier) @name)) @reference.call
(decorator (identifier) @name) @reference.call
(decorator (attribute object: (_) @receiver attribute: (identifier) @name)) @reference.call
(type (identifier) @name) @reference.type
(generic_type (identifier) @name) @reference.type
`;
