/** Java: the package declaration prefixes every path; classes, interfaces, enums, records, methods, constructors. */
export const javaQuery = String.raw`
(package_declaration [(identifier) (scoped_identifier)] @name) @package
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method

(superclass (type_identifier) @name) @reference.inherit
(super_interfaces (type_list (type_identifier) @name)) @reference.inherit
(extends_interfaces (type_list (type_identifier) @name)) @reference.inherit
(method_invocation object: (_) @receiver name: (identifier) @name) @reference.call
(method_invocation name: (identifier) @name) @reference.call
(object_creation_expression type: (type_identifier) @name) @reference.new
(object_creation_expression type: (generic_type (type_identifier) @name)) @reference.new
(type_identifier) @name @reference.type
`;
